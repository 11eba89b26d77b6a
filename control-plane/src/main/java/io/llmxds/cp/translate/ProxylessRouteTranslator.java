package io.llmxds.cp.translate;

import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.llmxds.cp.policy.ModelRoute;
import io.llmxds.cp.policy.PolicyBundle;
import java.util.List;

/**
 * RDS for gRPC clients: per model route one RouteConfiguration with one virtual host (the dialed name) and one route
 * for every method: the backends' weights, the route timeout as the stream's maximum duration, and retries.
 */
final class ProxylessRouteTranslator {

  private ProxylessRouteTranslator() {}

  static List<RouteConfiguration> translate(PolicyBundle bundle) {
    return bundle.modelRoutes().stream().map(ProxylessRouteTranslator::routeConfiguration).toList();
  }

  private static RouteConfiguration routeConfiguration(ModelRoute route) {
    WeightedCluster.Builder clusters = WeightedCluster.newBuilder();
    route.backends().forEach(b -> clusters.addClusters(RouteTranslator.clusterWeight(route, b)));
    RouteAction.Builder action = RouteAction.newBuilder()
        .setWeightedClusters(clusters)
        // gRPC clients honour max_stream_duration, not Envoy's route timeout.
        .setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder()
            .setMaxStreamDuration(ProtoValues.duration(route.timeout())));
    GrpcRetryPolicies.forRoute(route).ifPresent(action::setRetryPolicy);
    return RouteConfiguration.newBuilder()
        .setName(Names.proxylessRouteConfig(route.name()))
        .addVirtualHosts(VirtualHost.newBuilder()
            .setName(route.name())
            .addDomains(route.name())
            .addRoutes(Route.newBuilder()
                .setName(route.name())
                .setMatch(RouteMatch.newBuilder().setPrefix(""))
                .setRoute(action)))
        .build();
  }
}
