package io.llmxds.cp.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
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
    return RouteTranslator.translate(bundle, "v1", HttpFilters.ORDERED);
  }

  private static PolicyBundle bundle(List<Provider> providers, ModelRoute route) {
    return new PolicyBundle(Bundles.gateway(Optional.empty()), providers, List.of(route), List.of(), List.of());
  }

  @Test
  void oneRoutePerModelInNameOrderThenTheCatchAll() {
    RouteConfiguration config = routes(Bundles.example());
    assertThat(config.getName()).isEqualTo("edge");
    assertThat(config.getVirtualHosts(0).getName()).isEqualTo(Names.VIRTUAL_HOST);
    assertThat(config.getVirtualHosts(0).getDomainsList()).containsExactly("*");
    assertThat(config.getVirtualHosts(0).getPerRequestBufferLimitBytes().getValue()).isEqualTo(8 * 1024 * 1024);
    assertThat(Unpack.routes(config)).extracting(Route::getName)
        .containsExactly("chat/chat", "chat/gpt-4o-mini", "gpt-4o/gpt-4o", Names.UNKNOWN_MODEL_ROUTE);
  }

  @Test
  void matchesTheOpenAiPathAndTheModelHeader() {
    Route route = Unpack.route(routes(Bundles.example()), "gpt-4o/gpt-4o");
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
    RouteAction action = Unpack.route(routes(Bundles.example()), "chat/chat").getRoute();
    List<ClusterWeight> clusters = action.getWeightedClusters().getClustersList();
    assertThat(clusters).extracting(ClusterWeight::getName)
        .containsExactly("fallback/chat/mock-a", "fallback/chat/mock-b");
    assertThat(clusters).extracting(c -> c.getWeight().getValue()).containsExactly(90, 10);
    HeaderValueOption upstreamModel = clusters.get(0).getRequestHeadersToAdd(0);
    assertThat(upstreamModel.getHeader().getKey()).isEqualTo(Names.UPSTREAM_MODEL_HEADER);
    assertThat(upstreamModel.getHeader().getValue()).isEqualTo("mock-model-a");
    assertThat(upstreamModel.getAppendAction())
        .isEqualTo(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD);
    assertThat(clusters.get(1).getRequestHeadersToAddList()).isEmpty();
  }

  @Test
  void retriesAvoidTriedHostsAndWithFallbacksTriedPriorities() throws Exception {
    RetryPolicy retry = Unpack.route(routes(Bundles.example()), "chat/chat").getRoute().getRetryPolicy();
    assertThat(retry.getRetryOn()).isEqualTo("5xx,reset");
    assertThat(retry.getNumRetries().getValue()).isEqualTo(2);
    assertThat(retry.getPerTryTimeout().getSeconds()).isEqualTo(120);
    assertThat(retry.getRetryHostPredicate(0).getName()).isEqualTo(Names.PREVIOUS_HOSTS_PREDICATE);
    assertThat(retry.getHostSelectionRetryMaxAttempts()).isEqualTo(RetryPolicies.HOST_SELECTION_ATTEMPTS);
    assertThat(retry.getRetryPriority().getName()).isEqualTo(Names.PREVIOUS_PRIORITIES);
    assertThat(retry.getRetryPriority().getTypedConfig().unpack(PreviousPrioritiesConfig.class).getUpdateFrequency())
        .isEqualTo(1);

    RetryPolicy noFallbacks = Unpack.route(routes(Bundles.example()), "gpt-4o/gpt-4o").getRoute().getRetryPolicy();
    assertThat(noFallbacks.hasRetryPriority()).isFalse();
    assertThat(noFallbacks.hasPerTryTimeout()).as("a zero per-try timeout is left to the route timeout").isFalse();
  }

  @Test
  void noRetryPolicyWithoutAttempts() {
    ModelRoute route = new ModelRoute("r", List.of("m"), List.of(new ModelRoute.Backend("p", Optional.empty(), 1)),
        List.of(), Bundles.retry(0), Duration.ofSeconds(60), Optional.empty());
    RouteAction action = Unpack.route(routes(bundle(List.of(Bundles.plain("p", "10.0.0.1", 80)), route)), "r/m")
        .getRoute();
    assertThat(action.hasRetryPolicy()).isFalse();
  }

  @Test
  void aPathPrefixOtherThanV1ReplacesIt() {
    ModelRoute route = new ModelRoute("azure", List.of("m"),
        List.of(new ModelRoute.Backend("az", Optional.empty(), 1)), List.of(), Bundles.retry(0),
        Duration.ofSeconds(60), Optional.empty());
    Provider azure = new Provider("az", "llm.example.com", 443, true, "llm.example.com", "/openai",
        Duration.ofSeconds(1), Provider.LoadBalancing.ROUND_ROBIN, Optional.empty());
    assertThat(Unpack.route(routes(bundle(List.of(azure), route)), "azure/m").getRoute().getPrefixRewrite())
        .isEqualTo("/openai/");

    Provider bare = Bundles.plain("az", "127.0.0.1", 8080);
    assertThat(Unpack.route(routes(bundle(List.of(bare), route)), "azure/m").getRoute().getPrefixRewrite())
        .as("an empty pathPrefix: the provider serves /chat/completions at its root").isEqualTo("/");
  }

  @Test
  void unknownModelsGetAnOpenAiStyle404() {
    List<Route> all = Unpack.routes(routes(Bundles.example()));
    Route catchAll = all.get(all.size() - 1);
    assertThat(catchAll.getName()).isEqualTo(Names.UNKNOWN_MODEL_ROUTE);
    assertThat(catchAll.getMatch().getPrefix()).isEqualTo("/");
    assertThat(catchAll.getDirectResponse().getStatus()).isEqualTo(404);
    assertThat(catchAll.getDirectResponse().getBody().getInlineString()).contains("\"code\":\"model_not_found\"");
    assertThat(catchAll.getResponseHeadersToAdd(0).getHeader().getKey()).isEqualTo("content-type");
    assertThat(catchAll.getResponseHeadersToAdd(0).getHeader().getValue()).isEqualTo("application/json");
    assertThat(catchAll.getTypedPerFilterConfigMap()).containsOnlyKeys(Names.EXT_PROC_FILTER);
  }

  @Test
  void perRouteConfigOnlyForFiltersThatNeedIt() {
    RouteConfiguration config = routes(Bundles.example());
    assertThat(Unpack.route(config, "chat/chat").getTypedPerFilterConfigMap())
        .containsOnlyKeys(Names.EXT_PROC_FILTER, Names.LOCAL_RATELIMIT_FILTER);
    assertThat(Unpack.route(config, "gpt-4o/gpt-4o").getTypedPerFilterConfigMap())
        .containsOnlyKeys(Names.EXT_PROC_FILTER);
  }
}
