package io.llmxds.cp.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.clusters.aggregate.v3.ClusterConfig;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.llmxds.common.ContextPolicyMetadata;
import io.llmxds.cp.policy.ModelRoute;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.Provider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shape of issue 16: 2,000 model routes, each with two weighted backends and one fallback, over 20 providers.
 * Route i sends to p(i) and p(i+1) and falls back to p(i+7), so the routes have 40 distinct chains
 * (p(k) → p(k+7) and p(k+1) → p(k+7) for k = 0…19): CDS holds the 20 providers, 40 aggregates and the context
 * service's cluster, where one aggregate per route × backend made 4,021. Every route renames every provider, so the
 * model names a try is sent can only come from the route.
 */
class SharedFallbackClustersTest {

  private static final int PROVIDERS = 20;
  private static final int ROUTES = 2_000;

  private final PolicyBundle bundle = bundle();

  @Test
  void cdsHoldsOneAggregatePerDistinctChain() {
    List<Cluster> clusters = Translator.translate(bundle).clusters();
    assertThat(clusters).hasSize(PROVIDERS + 40 + 1);
    assertThat(clusters).extracting(Cluster::getName).doesNotHaveDuplicates()
        .contains("fallback/p00/p07", "fallback/p01/p07", "fallback/p19/p06", "fallback/p00/p06");
    assertThat(ProxylessTranslator.translate(bundle).clusters()).as("the proxyless flavor has no context service")
        .hasSize(PROVIDERS + 40);
  }

  /** So a route that joins chains other routes have (here a copy of r0000 under another name) changes no cluster. */
  @Test
  void aRouteWithChainsThatExistLeavesCdsAsItWas() {
    ModelRoute copy = bundle.modelRoutes().get(0);
    PolicyBundle more = new PolicyBundle(bundle.gateway(), bundle.providers(),
        Stream.concat(bundle.modelRoutes().stream(), Stream.of(new ModelRoute("another", List.of("another"),
            copy.backends(), copy.fallbacks(), copy.retry(), copy.timeout(), copy.contextPolicy()))).toList(),
        List.of(), List.of());
    assertThat(Translator.translate(more).clusters()).isEqualTo(Translator.translate(bundle).clusters());
  }

  /**
   * What the upstream phase of a try is given: the shared aggregate's ext_proc asks Envoy for the route's
   * {@code upstream_models} entry of the chosen host's provider, and each route's metadata maps every provider of its
   * chains to that route's own name for it.
   */
  @Test
  void eachRouteKeepsItsOwnModelNamesForEveryProviderOfTheChainsItShares() {
    EnvoyResources resources = Translator.translate(bundle);
    Map<String, Cluster> clusters = resources.clusters().stream()
        .collect(Collectors.toMap(Cluster::getName, Function.identity()));
    Map<String, Route> routes = resources.routes().stream()
        .flatMap(r -> r.getVirtualHostsList().stream())
        .flatMap(h -> h.getRoutesList().stream())
        .collect(Collectors.toMap(Route::getName, Function.identity()));
    for (int i : new int[] {0, 1, 20, 1_337, ROUTES - 1}) {
      Route route = routes.get(route(i));
      Struct models = route.getMetadata().getFilterMetadataOrThrow(Names.ROUTE_METADATA_NAMESPACE)
          .getFieldsOrThrow(ContextPolicyMetadata.ROUTE_UPSTREAM_MODELS_KEY).getStructValue();
      assertThat(models.getFieldsMap()).extractingFromEntries(e -> e.getKey() + "=" + e.getValue().getStringValue())
          .containsExactlyInAnyOrder(provider(i) + "=m" + i + "-a", provider(i + 1) + "=m" + i + "-b",
              provider(i + 7) + "=m" + i + "-fallback");
      for (WeightedCluster.ClusterWeight weight : route.getRoute().getWeightedClusters().getClustersList()) {
        Cluster aggregate = clusters.get(weight.getName());
        assertThat(Unpack.any(aggregate.getClusterType().getTypedConfig(), ClusterConfig.class).getClustersList())
            .as(weight.getName()).last().isEqualTo(Names.providerCluster(provider(i + 7)));
        ExternalProcessor upstreamPhase = Unpack.any(Unpack.any(aggregate.getTypedExtensionProtocolOptionsOrThrow(
                Names.UPSTREAM_HTTP_PROTOCOL_OPTIONS), HttpProtocolOptions.class).getHttpFilters(0).getTypedConfig(),
            ExternalProcessor.class);
        assertThat(upstreamPhase.getRequestAttributesList()).contains(ContextPolicyMetadata.UPSTREAM_MODEL_ATTRIBUTE);
      }
    }
  }

  private static PolicyBundle bundle() {
    List<Provider> providers = IntStream.range(0, PROVIDERS)
        .mapToObj(k -> Bundles.plain(provider(k), "10.0.0." + (k + 1), 8000))
        .toList();
    List<ModelRoute> routes = IntStream.range(0, ROUTES)
        .mapToObj(i -> new ModelRoute(route(i), List.of("m" + i),
            List.of(new ModelRoute.Backend(provider(i), Optional.of("m" + i + "-a"), 3),
                new ModelRoute.Backend(provider(i + 1), Optional.of("m" + i + "-b"), 1)),
            List.of(new ModelRoute.Fallback(provider(i + 7), Optional.of("m" + i + "-fallback"))),
            Bundles.retry(2), Duration.ofSeconds(120), Optional.empty()))
        .toList();
    return new PolicyBundle(Bundles.gateway(Optional.empty()), providers, routes, List.of(), List.of());
  }

  private static String provider(int k) {
    return String.format("p%02d", k % PROVIDERS);
  }

  private static String route(int i) {
    return String.format("r%04d", i);
  }
}
