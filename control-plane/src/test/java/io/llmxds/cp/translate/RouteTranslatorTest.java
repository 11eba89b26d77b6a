package io.llmxds.cp.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster.ClusterWeight;
import io.envoyproxy.envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig;
import io.llmxds.cp.policy.ModelRoute;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.Provider;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouteTranslatorTest {

  private static RouteConfiguration routes(PolicyBundle bundle) {
    return RouteTranslator.translate(bundle, HttpFilters.ORDERED);
  }

  private static PolicyBundle bundle(List<Provider> providers, ModelRoute route) {
    return new PolicyBundle(Bundles.gateway(Optional.empty()), providers, List.of(route), List.of(), List.of());
  }

  @Test
  void theModelListThenOneRoutePerModelRouteInNameOrderThenTheCatchAll() {
    RouteConfiguration config = routes(Bundles.example());
    assertThat(config.getName()).isEqualTo("edge");
    assertThat(config.getVirtualHosts(0).getName()).isEqualTo(Names.VIRTUAL_HOST);
    assertThat(config.getVirtualHosts(0).getDomainsList()).containsExactly("*");
    assertThat(config.getVirtualHosts(0).getPerRequestBufferLimitBytes().getValue()).isEqualTo(8 * 1024 * 1024);
    assertThat(Unpack.routes(config)).extracting(Route::getName)
        .containsExactly(Names.LIST_MODELS_ROUTE, "chat", "gpt-4o", Names.UNKNOWN_MODEL_ROUTE);
  }

  /** Envoy keeps a rate limit's buckets per route object: the aliases of one model route must be one route. */
  @Test
  void theModelsOfOneRouteShareItThroughOneAnchoredAlternation() {
    Route chat = Unpack.route(routes(Bundles.example()), "chat");
    assertThat(chat.getMatch().getHeaders(0).getName()).isEqualTo(Names.MODEL_HEADER);
    assertThat(chat.getMatch().getHeaders(0).getStringMatch().getSafeRegex().getRegex())
        .isEqualTo("^(?:chat|gpt\\-4o\\-mini)$");
  }

  @Test
  void modelNamesAreQuotedAsRe2Literals() {
    assertThat(RouteTranslator.anyOf(List.of("a.b", "c+d", "x|y", "(e)")).getSafeRegex().getRegex())
        .isEqualTo("^(?:\\(e\\)|a\\.b|c\\+d|x\\|y)$");
    com.google.re2j.Pattern re2 = com.google.re2j.Pattern.compile(
        RouteTranslator.anyOf(List.of("a.b", "gpt-4o-mini")).getSafeRegex().getRegex());
    assertThat(re2.matches("a.b")).isTrue();
    assertThat(re2.matches("axb")).as("the dot is literal").isFalse();
    assertThat(re2.matches("gpt-4o-mini")).isTrue();
    assertThat(re2.matches("gpt-4o-mini2")).isFalse();
  }

  @Test
  void matchesTheOpenAiPathAndTheModelHeader() {
    Route route = Unpack.route(routes(Bundles.example()), "gpt-4o");
    assertThat(route.getMatch().getPrefix()).isEqualTo("/v1/");
    assertThat(route.getMatch().getHeaders(0).getName()).isEqualTo(Names.MODEL_HEADER);
    assertThat(route.getMatch().getHeaders(0).getStringMatch().getExact()).isEqualTo("gpt-4o");
    RouteAction action = route.getRoute();
    assertThat(action.getTimeout().getSeconds()).isEqualTo(600);
    assertThat(action.getAutoHostRewrite().getValue()).isTrue();
    assertThat(action.getPrefixRewrite()).as("openai's pathPrefix is /v1 itself").isEmpty();
    assertThat(action.getWeightedClusters().getClustersList()).extracting(ClusterWeight::getName)
        .containsExactly("provider/openai");
  }

  @Test
  void withFallbacksEachBackendGoesThroughItsAggregateCluster() {
    Route route = Unpack.route(routes(Bundles.example()), "chat");
    List<ClusterWeight> clusters = route.getRoute().getWeightedClusters().getClustersList();
    assertThat(clusters).extracting(ClusterWeight::getName)
        .containsExactly("fallback/mock-a/mock-fallback", "fallback/mock-b/mock-fallback");
    assertThat(clusters).extracting(c -> c.getWeight().getValue()).containsExactly(90, 10);
    assertThat(clusters).allSatisfy(c -> assertThat(c.getRequestHeadersToAddList()).isEmpty());
  }

  /** The upstream rewriter looks the model of each try up here, by the provider of the host Envoy chose. */
  @Test
  void theRouteMetadataMapsEachRenamedProviderToItsModel() {
    ModelRoute chat = Bundles.chat();
    ModelRoute renamed = new ModelRoute(chat.name(), chat.models(), chat.backends(),
        List.of(new ModelRoute.Fallback("mock-fallback", Optional.of("fallback-model"))), chat.retry(),
        chat.timeout(), chat.contextPolicy());
    Route route = Unpack.route(routes(bundle(Bundles.example().providers(), renamed)), "chat");
    com.google.protobuf.Struct models = route.getMetadata().getFilterMetadataOrThrow(Names.ROUTE_METADATA_NAMESPACE)
        .getFieldsOrThrow(io.llmxds.common.ContextPolicyMetadata.ROUTE_UPSTREAM_MODELS_KEY).getStructValue();
    assertThat(models.getFieldsMap()).containsOnlyKeys("mock-a", "mock-fallback");
    assertThat(models.getFieldsOrThrow("mock-a").getStringValue()).isEqualTo("mock-model-a");
    assertThat(models.getFieldsOrThrow("mock-fallback").getStringValue()).isEqualTo("fallback-model");

    Route plain = Unpack.route(routes(Bundles.example()), "gpt-4o");
    assertThat(plain.getMetadata().getFilterMetadataOrThrow(Names.ROUTE_METADATA_NAMESPACE).getFieldsMap())
        .as("a route that renames nothing").containsOnlyKeys("model_route", "route_version");
  }

  @Test
  void retriesAvoidTriedHostsAndWithFallbacksTriedPriorities() throws Exception {
    RetryPolicy retry = Unpack.route(routes(Bundles.example()), "chat").getRoute().getRetryPolicy();
    assertThat(retry.getRetryOn()).isEqualTo("5xx,reset");
    assertThat(retry.getNumRetries().getValue()).isEqualTo(2);
    assertThat(retry.getPerTryTimeout().getSeconds()).isEqualTo(120);
    assertThat(retry.getRetryHostPredicate(0).getName()).isEqualTo(Names.PREVIOUS_HOSTS_PREDICATE);
    assertThat(retry.getHostSelectionRetryMaxAttempts()).isEqualTo(RetryPolicies.HOST_SELECTION_ATTEMPTS);
    assertThat(retry.getRetryPriority().getName()).isEqualTo(Names.PREVIOUS_PRIORITIES);
    assertThat(retry.getRetryPriority().getTypedConfig().unpack(PreviousPrioritiesConfig.class).getUpdateFrequency())
        .isEqualTo(1);

    RetryPolicy noFallbacks = Unpack.route(routes(Bundles.example()), "gpt-4o").getRoute().getRetryPolicy();
    assertThat(noFallbacks.hasRetryPriority()).isFalse();
    assertThat(noFallbacks.hasPerTryTimeout()).as("a zero per-try timeout is left to the route timeout").isFalse();
  }

  @Test
  void noRetryPolicyWithoutAttempts() {
    ModelRoute route = new ModelRoute("r", List.of("m"), List.of(new ModelRoute.Backend("p", Optional.empty(), 1)),
        List.of(), Bundles.retry(0), Duration.ofSeconds(60), Optional.empty());
    RouteAction action = Unpack.route(routes(bundle(List.of(Bundles.plain("p", "10.0.0.1", 80)), route)), "r")
        .getRoute();
    assertThat(action.hasRetryPolicy()).isFalse();
  }

  @Test
  void unknownModelsGetAnOpenAiStyle404() {
    List<Route> all = Unpack.routes(routes(Bundles.example()));
    Route catchAll = all.get(all.size() - 1);
    assertThat(catchAll.getName()).isEqualTo(Names.UNKNOWN_MODEL_ROUTE);
    assertThat(catchAll.getMatch().getPrefix()).isEqualTo("/");
    assertThat(catchAll.getDirectResponse().getStatus()).isEqualTo(404);
    assertThat(catchAll.getDirectResponse().getBody().getInlineString()).contains("\"code\":\"model_not_found\"");
    assertThat(catchAll.getResponseHeadersToAddList()).extracting(h -> h.getHeader().getKey())
        .containsExactly("content-type", Names.ROUTE_VERSION_HEADER);
    assertThat(catchAll.getResponseHeadersToAdd(0).getHeader().getValue()).isEqualTo("application/json");
    assertThat(catchAll.getTypedPerFilterConfigMap()).isEmpty();
  }

  @Test
  void perRouteConfigOnlyForFiltersThatNeedIt() {
    RouteConfiguration config = routes(Bundles.example());
    assertThat(Unpack.route(config, "chat").getTypedPerFilterConfigMap())
        .containsOnlyKeys(Names.LOCAL_RATELIMIT_FILTER);
    assertThat(Unpack.route(config, "gpt-4o").getTypedPerFilterConfigMap()).isEmpty();
  }

  /** Anthropic: every request to its Messages API (the query kept), an anthropic-version unless the client sent one. */
  /**
   * A route may mix providers of both APIs and of other path prefixes: nothing on the route rewrites the path or adds
   * an API's header (R3 would do it once for every try); the upstream phase does it per try from the chosen host.
   */
  @Test
  void aRouteMixingApisAndPrefixesRewritesNothingItself() {
    ModelRoute route = new ModelRoute("mixed", List.of("m"),
        List.of(new ModelRoute.Backend("az", Optional.empty(), 1), new ModelRoute.Backend("claude", Optional.empty(),
            1)), List.of(), Bundles.retry(0), Duration.ofSeconds(60), Optional.empty());
    Provider azure = new Provider("az", "llm.example.com", 443, true, "llm.example.com", Optional.empty(), "/openai",
        Duration.ofSeconds(1), Provider.LoadBalancing.ROUND_ROBIN, Optional.empty(), Provider.Api.OPENAI);
    Provider claude = new Provider("claude", "api.anthropic.com", 443, true, "api.anthropic.com", Optional.empty(),
        "", Duration.ofSeconds(1), Provider.LoadBalancing.ROUND_ROBIN, Optional.empty(), Provider.Api.ANTHROPIC);
    Route translated = Unpack.route(routes(bundle(List.of(azure, claude), route)), "mixed");
    RouteAction action = translated.getRoute();
    assertThat(action.getPrefixRewrite()).isEmpty();
    assertThat(action.hasRegexRewrite()).isFalse();
    assertThat(translated.getRequestHeadersToAddList()).isEmpty();
    assertThat(action.getWeightedClusters().getClustersList()).extracting(c -> c.getName())
        .containsExactly("provider/az", "provider/claude");
  }
}
