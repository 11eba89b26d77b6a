package io.llmxds.cp.translate;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.llmxds.cp.policy.ModelRoute;
import io.llmxds.cp.policy.PolicyBundle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * RDS: one route per (model route, model), matched on the model header that the ext_proc service sets from the
 * request body, and a catch-all 404 for models no route serves. Every route carries the config version in its metadata
 * (for the request span) and every response the version in {@link Names#CONFIG_VERSION_HEADER}.
 */
final class RouteTranslator {

  /** The OpenAI API path that a provider's {@code pathPrefix} stands for. */
  static final String OPENAI_PREFIX = "/v1";
  static final String UNKNOWN_MODEL_BODY =
      "{\"error\":{\"message\":\"no route for the requested model\",\"type\":\"invalid_request_error\","
          + "\"code\":\"model_not_found\"}}";

  private RouteTranslator() {}

  static RouteConfiguration translate(PolicyBundle bundle, String configVersion, List<HttpFilterFeature> features) {
    BundleIndex index = BundleIndex.of(bundle);
    VirtualHost.Builder host = VirtualHost.newBuilder()
        .setName(Names.VIRTUAL_HOST)
        .addDomains("*")
        .setPerRequestBufferLimitBytes(UInt32Value.of(ProtoValues.uint32(bundle.gateway().requestBufferLimitBytes())));
    for (ModelRoute route : bundle.modelRoutes()) {
      Map<String, Any> perFilter = perFilterConfig(features, f -> f.modelRouteConfig(index, route));
      Metadata metadata = RequestTraceTags.routeMetadata(configVersion, route.name());
      route.models().stream().sorted()
          .forEach(model -> host.addRoutes(modelRoute(index, route, model, perFilter).setMetadata(metadata)));
    }
    host.addRoutes(unknownModelRoute(perFilterConfig(features, f -> f.unknownModelRouteConfig(bundle)))
        .setMetadata(RequestTraceTags.routeMetadata(configVersion, Names.UNKNOWN_MODEL_ROUTE)));
    return RouteConfiguration.newBuilder()
        .setName(bundle.gateway().name())
        .addVirtualHosts(host)
        // Local replies of filters before the router (a rate limit's 429) do not get it; their spans have the tag.
        .addResponseHeadersToAdd(ProtoValues.overwriteHeader(Names.CONFIG_VERSION_HEADER, configVersion))
        .build();
  }

  private static Map<String, Any> perFilterConfig(
      List<HttpFilterFeature> features, Function<HttpFilterFeature, Optional<Any>> config) {
    Map<String, Any> perFilter = new LinkedHashMap<>();
    features.forEach(f -> config.apply(f).ifPresent(c -> perFilter.put(f.name(), c)));
    return perFilter;
  }

  private static Route.Builder modelRoute(
      BundleIndex index, ModelRoute route, String model, Map<String, Any> perFilter) {
    RouteMatch match = RouteMatch.newBuilder()
        .setPrefix(OPENAI_PREFIX + "/")
        .addHeaders(HeaderMatcher.newBuilder()
            .setName(Names.MODEL_HEADER)
            .setStringMatch(StringMatcher.newBuilder().setExact(model)))
        .build();
    RouteAction.Builder action = RouteAction.newBuilder()
        .setWeightedClusters(weightedClusters(route))
        .setTimeout(ProtoValues.duration(route.timeout()))
        .setAutoHostRewrite(BoolValue.of(true));
    pathPrefix(index, route)
        .filter(prefix -> !prefix.equals(OPENAI_PREFIX))
        .ifPresent(prefix -> action.setPrefixRewrite(prefix + "/"));
    RetryPolicies.forRoute(route).ifPresent(action::setRetryPolicy);
    return Route.newBuilder()
        .setName(Names.route(route.name(), model))
        .setMatch(match)
        .setRoute(action)
        .putAllTypedPerFilterConfig(perFilter);
  }

  /**
   * Always weighted clusters, even for one backend, so that a backend's model override has one place to live.
   * With fallbacks each backend goes through its aggregate cluster (backend first, then the fallbacks).
   */
  private static WeightedCluster weightedClusters(ModelRoute route) {
    WeightedCluster.Builder clusters = WeightedCluster.newBuilder();
    for (ModelRoute.Backend backend : route.backends()) {
      WeightedCluster.ClusterWeight.Builder weight = clusterWeight(route, backend);
      backend.model().ifPresent(m -> weight.addRequestHeadersToAdd(
          ProtoValues.overwriteHeader(Names.UPSTREAM_MODEL_HEADER, m)));
      clusters.addClusters(weight);
    }
    return clusters.build();
  }

  /** A backend's share of a route: its provider cluster, or the aggregate in front of it when there are fallbacks. */
  static WeightedCluster.ClusterWeight.Builder clusterWeight(ModelRoute route, ModelRoute.Backend backend) {
    return WeightedCluster.ClusterWeight.newBuilder()
        .setName(route.fallbacks().isEmpty()
            ? Names.providerCluster(backend.provider())
            : Names.fallbackCluster(route.name(), backend.provider()))
        .setWeight(UInt32Value.of(backend.weight()));
  }

  /** The loader ensures that all providers of a route share one path prefix; the first backend's stands for all. */
  private static Optional<String> pathPrefix(BundleIndex index, ModelRoute route) {
    return route.backends().stream().findFirst().flatMap(b -> index.provider(b.provider())).map(p -> p.pathPrefix());
  }

  private static Route.Builder unknownModelRoute(Map<String, Any> perFilter) {
    return Route.newBuilder()
        .setName(Names.UNKNOWN_MODEL_ROUTE)
        .setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setDirectResponse(DirectResponseAction.newBuilder()
            .setStatus(404)
            .setBody(DataSource.newBuilder().setInlineString(UNKNOWN_MODEL_BODY)))
        .addResponseHeadersToAdd(ProtoValues.overwriteHeader("content-type", "application/json"))
        .putAllTypedPerFilterConfig(perFilter);
  }
}
