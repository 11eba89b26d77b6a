package io.llmxds.cp.translate;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.llmxds.common.ContextPolicyMetadata;
import io.llmxds.cp.policy.ModelRoute;
import io.llmxds.cp.policy.PolicyBundle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * RDS: the {@code GET /v1/models} answer ({@link ModelsListRoutes}), one route per model route, matched on the model
 * header that the ext_proc service sets from the request body, and a catch-all 404 for models no route serves. One route for all of a model route's names, because Envoy keeps a
 * rate limit's buckets per route object (local_ratelimit/config.cc:27-30): aliases must share them. Every route
 * carries its own content version (see {@link RequestTraceTags}), never the bundle's, so a change that alters no
 * route leaves the RouteConfiguration byte-identical.
 */
final class RouteTranslator {

  /** The paths model routes serve: the APIs under {@code /v1}. */
  static final String OPENAI_PREFIX = "/v1";

  private RouteTranslator() {}

  static RouteConfiguration translate(PolicyBundle bundle, List<HttpFilterFeature> features) {
    BundleIndex index = BundleIndex.of(bundle);
    VirtualHost.Builder host = VirtualHost.newBuilder()
        .setName(Names.VIRTUAL_HOST)
        .addDomains("*")
        .setPerRequestBufferLimitBytes(UInt32Value.of(ProtoValues.uint32(bundle.gateway().requestBufferLimitBytes())));
    ModelsListRoutes.of(bundle).forEach(route -> host.addRoutes(
        RequestTraceTags.versioned(route, RequestTraceTags.routeMetadata(route.getName()))));
    for (ModelRoute route : bundle.modelRoutes()) {
      Map<String, Any> perFilter = perFilterConfig(features, f -> f.modelRouteConfig(index, route));
      Struct.Builder metadata = RequestTraceTags.routeMetadata(route.name());
      upstreamModels(route).ifPresent(models -> metadata.putFields(ContextPolicyMetadata.ROUTE_UPSTREAM_MODELS_KEY,
          Value.newBuilder().setStructValue(models).build()));
      host.addRoutes(RequestTraceTags.versioned(modelRoute(route, perFilter), metadata));
    }
    host.addRoutes(RequestTraceTags.versioned(
        unknownModelRoute(),
        RequestTraceTags.routeMetadata(Names.UNKNOWN_MODEL_ROUTE)));
    RouteConfiguration.Builder routes = RouteConfiguration.newBuilder()
        .setName(bundle.gateway().name())
        .addVirtualHosts(host);
    int maxBody = ModelsListRoutes.maxBodySize(host.getRoutesList());
    if (maxBody > 0) {
      routes.setMaxDirectResponseBodySizeBytes(UInt32Value.of(maxBody));
    }
    return routes.build();
  }

  private static Map<String, Any> perFilterConfig(
      List<HttpFilterFeature> features, Function<HttpFilterFeature, Optional<Any>> config) {
    Map<String, Any> perFilter = new LinkedHashMap<>();
    features.forEach(f -> config.apply(f).ifPresent(c -> perFilter.put(f.name(), c)));
    return perFilter;
  }

  private static Route.Builder modelRoute(ModelRoute route, Map<String, Any> perFilter) {
    RouteMatch match = RouteMatch.newBuilder()
        .setPrefix(OPENAI_PREFIX + "/")
        .addHeaders(HeaderMatcher.newBuilder()
            .setName(Names.MODEL_HEADER)
            .setStringMatch(anyOf(route.models())))
        .build();
    RouteAction.Builder action = RouteAction.newBuilder()
        .setWeightedClusters(weightedClusters(route))
        .setTimeout(ProtoValues.duration(route.timeout()))
        .setAutoHostRewrite(BoolValue.of(true));
    RetryPolicies.forRoute(route).ifPresent(action::setRetryPolicy);
    Route.Builder built = Route.newBuilder()
        .setName(route.name())
        .setMatch(match)
        .putAllTypedPerFilterConfig(perFilter);
    return built.setRoute(action);
  }

  /**
   * One model: an exact match. Several: one RE2 alternation of the literal names (Envoy matches {@code safe_regex}
   * against the whole value), in name order so that the route does not change with the order they are listed in.
   */
  static StringMatcher anyOf(List<String> models) {
    List<String> sorted = models.stream().sorted().toList();
    if (sorted.size() == 1) {
      return StringMatcher.newBuilder().setExact(sorted.get(0)).build();
    }
    return StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex(Re2.anyOf(sorted))).build();
  }

  /**
   * Always weighted clusters, even for one backend, so that an A/B split is only a weight change. With fallbacks
   * each backend goes through the aggregate cluster of its chain (backend first, then the fallbacks), which every
   * route with that chain shares.
   */
  private static WeightedCluster weightedClusters(ModelRoute route) {
    WeightedCluster.Builder clusters = WeightedCluster.newBuilder();
    route.backends().forEach(backend -> clusters.addClusters(clusterWeight(route, backend)));
    return clusters.build();
  }

  /**
   * The models the route sends to providers under another name than the client's, by provider: the upstream
   * rewriter finds this try's entry through the chosen host's provider ({@link
   * ContextPolicyMetadata#UPSTREAM_MODEL_ATTRIBUTE}). Empty when the route renames nothing.
   */
  private static Optional<Struct> upstreamModels(ModelRoute route) {
    Map<String, String> models = new TreeMap<>();
    route.backends().forEach(b -> b.model().ifPresent(m -> models.put(b.provider(), m)));
    route.fallbacks().forEach(f -> f.model().ifPresent(m -> models.put(f.provider(), m)));
    if (models.isEmpty()) {
      return Optional.empty();
    }
    Struct.Builder struct = Struct.newBuilder();
    models.forEach((provider, model) -> struct.putFields(provider, RequestTraceTags.string(model)));
    return Optional.of(struct.build());
  }

  /** A backend's share of a route: its provider cluster, or the aggregate in front of it when there are fallbacks. */
  static WeightedCluster.ClusterWeight.Builder clusterWeight(ModelRoute route, ModelRoute.Backend backend) {
    return WeightedCluster.ClusterWeight.newBuilder()
        .setName(route.fallbacks().isEmpty()
            ? Names.providerCluster(backend.provider())
            : FallbackChain.of(route, backend.provider()).clusterName())
        .setWeight(UInt32Value.of(backend.weight()));
  }

  private static Route.Builder unknownModelRoute() {
    return Route.newBuilder()
        .setName(Names.UNKNOWN_MODEL_ROUTE)
        .setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setDirectResponse(DirectResponseAction.newBuilder()
            .setStatus(404)
            .setBody(DataSource.newBuilder().setInlineString(Names.UNKNOWN_MODEL_BODY)))
        .addResponseHeadersToAdd(ProtoValues.overwriteHeader("content-type", "application/json"));
  }
}
