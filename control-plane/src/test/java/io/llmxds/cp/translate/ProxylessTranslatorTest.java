package io.llmxds.cp.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.clusters.aggregate.v3.ClusterConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.llmxds.cp.policy.ModelRoute;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.Provider;
import io.llmxds.cp.verify.EnvoyRules;
import io.llmxds.cp.verify.ReferenceCheck;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProxylessTranslatorTest {

  private final EnvoyResources example = ProxylessTranslator.translate(Bundles.example());

  @Test
  void oneApiListenerPerModelRouteWithRdsAndOnlyTheRouter() {
    assertThat(example.listeners()).extracting(Listener::getName).containsExactly("chat", "gpt-4o");
    Listener chat = example.listeners().get(0);
    assertThat(chat.hasAddress()).isFalse();
    assertThat(chat.getFilterChainsCount()).isZero();
    HttpConnectionManager hcm = Unpack.any(chat.getApiListener().getApiListener(), HttpConnectionManager.class);
    assertThat(hcm.getRds().getRouteConfigName()).isEqualTo("proxyless/chat");
    assertThat(hcm.getRds().getConfigSource().hasAds()).isTrue();
    assertThat(hcm.getHttpFiltersList()).extracting(f -> f.getName()).containsExactly(Names.ROUTER_FILTER);
  }

  @Test
  void oneRouteForTheDialedNameWithTheBackendsWeightsAndTimeout() {
    RouteConfiguration config = routeConfig("proxyless/chat");
    VirtualHost host = config.getVirtualHosts(0);
    assertThat(config.getVirtualHostsCount()).isOne();
    assertThat(host.getDomainsList()).containsExactly("chat");
    Route route = host.getRoutes(0);
    assertThat(host.getRoutesCount()).isOne();
    assertThat(route.getMatch().getPrefix()).isEmpty();
    assertThat(route.getRoute().getWeightedClusters().getClustersList())
        .extracting(WeightedCluster.ClusterWeight::getName, w -> w.getWeight().getValue())
        .containsExactly(tuple("fallback/mock-a/mock-fallback", 90),
            tuple("fallback/mock-b/mock-fallback", 10));
    assertThat(route.getRoute().getWeightedClusters().getClusters(0).getRequestHeadersToAddList())
        .as("a gRPC client cannot rewrite a body's model: no upstream-model header").isEmpty();
    assertThat(route.getRoute().getMaxStreamDuration().getMaxStreamDuration().getSeconds()).isEqualTo(300);
    assertThat(route.getRoute().hasTimeout()).isFalse();
    assertThat(route.getTypedPerFilterConfigMap()).isEmpty();
  }

  @Test
  void retryConditionsBecomeGrpcStatusNames() {
    assertThat(retry(new ModelRoute.Retry(2, List.of("5xx", "reset", "connect-failure"), List.of(), Duration.ZERO)))
        .hasValueSatisfying(p -> {
          assertThat(p.getRetryOn()).isEqualTo("unavailable");
          assertThat(p.getNumRetries().getValue()).isEqualTo(2);
          assertThat(p.hasPerTryTimeout()).isFalse();
          assertThat(p.getRetryHostPredicateCount()).isZero();
          assertThat(p.hasRetryPriority()).isFalse();
        });
    assertThat(retry(new ModelRoute.Retry(1, List.of("retriable-status-codes"), List.of(429), Duration.ofSeconds(9))))
        .hasValueSatisfying(p -> {
          assertThat(p.getRetryOn()).isEqualTo("resource-exhausted");
          assertThat(p.getPerTryTimeout().getSeconds()).isEqualTo(9);
        });
    assertThat(retry(new ModelRoute.Retry(1, List.of("gateway-error", "retriable-status-codes"), List.of(429, 503),
        Duration.ZERO))).map(RetryPolicy::getRetryOn).contains("resource-exhausted,unavailable");
    assertThat(retry(new ModelRoute.Retry(1, List.of("refused-stream"), List.of(), Duration.ZERO)))
        .map(RetryPolicy::getRetryOn).contains("unavailable");
  }

  @Test
  void noRetryPolicyWithoutAttemptsOrWithoutAGrpcCounterpart() {
    assertThat(retry(new ModelRoute.Retry(0, List.of("5xx"), List.of(), Duration.ZERO))).isEmpty();
    assertThat(retry(new ModelRoute.Retry(2, List.of("retriable-4xx", "envoy-ratelimited"), List.of(),
        Duration.ZERO))).isEmpty();
    assertThat(retry(new ModelRoute.Retry(2, List.of("retriable-status-codes"), List.of(500), Duration.ZERO)))
        .isEmpty();
  }

  @Test
  void clustersOnlyForRoutedProvidersWithTheirLoadBalancingAndNoCredentials() {
    Provider maglev = new Provider("m", "10.0.0.9", 9000, false, "", Optional.empty(), "", Duration.ofSeconds(3),
        Provider.LoadBalancing.MAGLEV, Optional.empty(), Provider.Api.OPENAI);
    Provider unused = Bundles.plain("unused", "10.0.0.8", 9000);
    ModelRoute route = new ModelRoute("r", List.of("x"), List.of(new ModelRoute.Backend("m", Optional.empty(), 1)),
        List.of(), Bundles.retry(0), Duration.ofSeconds(5), Optional.empty());
    EnvoyResources resources = ProxylessTranslator.translate(new PolicyBundle(Bundles.gateway(Optional.empty()),
        List.of(maglev, unused), List.of(route), List.of(), List.of()));
    assertThat(resources.clusters()).extracting(Cluster::getName).containsExactly("provider/m");
    Cluster cluster = resources.clusters().get(0);
    assertThat(cluster.getType()).isEqualTo(Cluster.DiscoveryType.EDS);
    assertThat(cluster.getLbPolicy()).isEqualTo(Cluster.LbPolicy.MAGLEV);
    assertThat(cluster.getConnectTimeout().getSeconds()).isEqualTo(3);
    assertThat(resources.endpoints()).extracting(ClusterLoadAssignment::getClusterName).containsExactly("provider/m");
  }

  @Test
  void httpsProvidersKeepTlsButNeverTheirCredential() {
    Cluster openai = cluster("provider/openai");
    assertThat(openai.getType()).isEqualTo(Cluster.DiscoveryType.LOGICAL_DNS);
    assertThat(openai.getTransportSocket().getName()).isEqualTo(Names.TLS_TRANSPORT_SOCKET);
    assertThat(openai.getTypedExtensionProtocolOptionsMap()).isEmpty();
    assertThat(example.secrets()).isEmpty();
    assertThat(ResourceYaml.render(example.clusters())).doesNotContain(Bundles.SECRET);
  }

  @Test
  void fallbacksAreAggregateClustersWithoutEnvoysLbPolicy() {
    Cluster fallback = cluster("fallback/mock-a/mock-fallback");
    assertThat(Unpack.any(fallback.getClusterType().getTypedConfig(), ClusterConfig.class).getClustersList())
        .containsExactly("provider/mock-a", "provider/mock-fallback");
    assertThat(fallback.getLbPolicy()).isEqualTo(Cluster.LbPolicy.ROUND_ROBIN);
    assertThat(fallback.getTypedExtensionProtocolOptionsMap()).isEmpty();
  }

  @Test
  void everyLocalityIsNamedAndWeighted() {
    List<LocalityLbEndpoints> localities = example.endpoints().stream()
        .flatMap(a -> a.getEndpointsList().stream()).toList();
    assertThat(localities).isNotEmpty().allSatisfy(l -> {
      assertThat(l.getLoadBalancingWeight().getValue()).isEqualTo(1);
      assertThat(l.getLocality().getRegion()).isEqualTo(Names.PROXYLESS_REGION);
      assertThat(l.getLocality().getZone()).isEqualTo(Names.PROXYLESS_ZONE);
    });
    assertThat(cluster("provider/openai").getLoadAssignment().getEndpoints(0).getLocality().getRegion())
        .isEqualTo(Names.PROXYLESS_REGION);
  }

  @Test
  void isConsistentAndPassesEnvoysRules() {
    assertThat(ReferenceCheck.check(example)).isEmpty();
    assertThat(EnvoyRules.check(example)).isEmpty();
  }

  private static Optional<RetryPolicy> retry(ModelRoute.Retry retry) {
    return GrpcRetryPolicies.forRoute(new ModelRoute("r", List.of("x"),
        List.of(new ModelRoute.Backend("p", Optional.empty(), 1)), List.of(), retry, Duration.ofSeconds(5),
        Optional.empty()));
  }

  private RouteConfiguration routeConfig(String name) {
    return example.routes().stream().filter(r -> r.getName().equals(name)).findFirst().orElseThrow();
  }

  private Cluster cluster(String name) {
    return example.clusters().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
  }
}
