package io.llmxds.cp.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.clusters.aggregate.v3.ClusterConfig;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.llmxds.cp.translate.Bundles;
import io.llmxds.cp.translate.EnvoyResources;
import io.llmxds.cp.translate.Translator;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Each rule, broken by hand in an otherwise consistent translation of the example. */
class ReferenceCheckTest {

  private final EnvoyResources good = Translator.translate(Bundles.example());

  private EnvoyResources with(List<Cluster> clusters, List<ClusterLoadAssignment> endpoints, List<Listener> listeners,
      List<RouteConfiguration> routes, List<Secret> secrets) {
    return new EnvoyResources(clusters, endpoints, listeners, routes, secrets);
  }

  private List<Cluster> clustersWithout(String name) {
    return good.clusters().stream().filter(c -> !c.getName().equals(name)).toList();
  }

  private List<Cluster> clustersMapped(String name, UnaryOperator<Cluster> change) {
    return good.clusters().stream().map(c -> c.getName().equals(name) ? change.apply(c) : c).toList();
  }

  @Test
  void theTranslationIsConsistent() {
    assertThat(ReferenceCheck.check(good)).isEmpty();
  }

  @Test
  void routeToAMissingCluster() {
    EnvoyResources broken = with(clustersWithout("provider/openai"), good.endpoints(), good.listeners(),
        good.routes(), List.of());
    assertThat(ReferenceCheck.check(broken)).containsExactly(
        "Route edge/llm/gpt-4o: cluster 'provider/openai' does not exist");
  }

  /** The global-limits golden case's context-service flavor, without its counters' store or with a stray route. */
  @Test
  void aGlobalLimitsStoreMustBeServedAndItsRoutesBeInTheTable() {
    EnvoyResources table = io.llmxds.cp.translate.Flavor.CONTEXT_SERVICE.translate(((io.llmxds.cp.policy.LoadResult
        .Loaded) io.llmxds.cp.policy.PolicyLoader.load(java.nio.file.Path.of("src/test/resources/golden/in/"
        + "global-limits"))).bundle());
    assertThat(ReferenceCheck.check(table)).isEmpty();
    List<Cluster> withoutStore = table.clusters().stream()
        .filter(c -> !c.getName().equals("context-store/counters")).toList();
    RouteConfiguration withoutChat = table.routes().get(0).toBuilder().setVirtualHosts(0, table.routes().get(0)
        .getVirtualHosts(0).toBuilder().removeRoutes(0)).build();
    assertThat(ReferenceCheck.check(with(withoutStore, table.endpoints(), table.listeners(), List.of(withoutChat),
        table.secrets()))).containsExactly(
        "RouteConfiguration llm-xds/context/models rate limit chat-global: store cluster 'context-store/counters' "
            + "does not exist",
        "RouteConfiguration llm-xds/context/models rate limit chat-global: model route 'chat' is not a route of the "
            + "table",
        "RouteConfiguration llm-xds/context/models rate limit reasoning-budget: store cluster "
            + "'context-store/counters' does not exist");
  }

  @Test
  void listenerToAMissingRouteConfiguration() {
    EnvoyResources broken = with(good.clusters(), good.endpoints(), good.listeners(), List.of(), good.secrets());
    assertThat(ReferenceCheck.check(broken)).containsExactly(
        "Listener edge: RDS route_config_name 'edge' has no RouteConfiguration");
  }

  @Test
  void listenerToAMissingExtProcCluster() throws Exception {
    Listener listener = good.listeners().get(0);
    HttpConnectionManager hcm = listener.getFilterChains(0).getFilters(0).getTypedConfig()
        .unpack(HttpConnectionManager.class);
    ExternalProcessor extProc = hcm.getHttpFilters(0).getTypedConfig().unpack(ExternalProcessor.class);
    ExternalProcessor elsewhere = extProc.toBuilder()
        .setGrpcService(extProc.getGrpcService().toBuilder()
            .setEnvoyGrpc(extProc.getGrpcService().getEnvoyGrpc().toBuilder().setClusterName("nowhere")))
        .build();
    HttpConnectionManager changed = hcm.toBuilder()
        .setHttpFilters(0, hcm.getHttpFilters(0).toBuilder().setTypedConfig(Any.pack(elsewhere)))
        .build();
    Listener broken = listener.toBuilder()
        .setFilterChains(0, listener.getFilterChains(0).toBuilder()
            .setFilters(0, listener.getFilterChains(0).getFilters(0).toBuilder().setTypedConfig(Any.pack(changed))))
        .build();
    assertThat(ReferenceCheck.check(with(good.clusters(), good.endpoints(), List.of(broken), good.routes(),
        good.secrets()))).containsExactly("Listener edge: cluster 'nowhere' does not exist");
  }

  @Test
  void edsClusterWithoutAssignment() {
    List<ClusterLoadAssignment> endpoints = good.endpoints().stream()
        .filter(e -> !e.getClusterName().equals("provider/mock-b")).toList();
    assertThat(ReferenceCheck.check(with(good.clusters(), endpoints, good.listeners(), good.routes(),
        good.secrets()))).containsExactly(
        "Cluster provider/mock-b: EDS service 'provider/mock-b' has 0 ClusterLoadAssignments, expected 1");
  }

  @Test
  void edsClusterWithTwoAssignments() {
    List<ClusterLoadAssignment> endpoints = new ArrayList<>(good.endpoints());
    endpoints.add(endpoints.get(1));
    assertThat(ReferenceCheck.check(with(good.clusters(), endpoints, good.listeners(), good.routes(),
        good.secrets()))).containsExactly(
        "Cluster provider/mock-a: EDS service 'provider/mock-a' has 2 ClusterLoadAssignments, expected 1");
  }

  @Test
  void orphanAssignment() {
    List<ClusterLoadAssignment> endpoints = new ArrayList<>(good.endpoints());
    endpoints.add(ClusterLoadAssignment.newBuilder().setClusterName("provider/gone").build());
    assertThat(ReferenceCheck.check(with(good.clusters(), endpoints, good.listeners(), good.routes(),
        good.secrets()))).containsExactly("ClusterLoadAssignment provider/gone: no EDS cluster uses it");
  }

  @Test
  void missingSecret() {
    assertThat(ReferenceCheck.check(with(good.clusters(), good.endpoints(), good.listeners(), good.routes(),
        List.of()))).containsExactly(
        "Cluster provider/openai: secret 'provider/openai/credential' is not in SDS");
  }

  @Test
  void unreferencedSecret() {
    List<Secret> secrets = new ArrayList<>(good.secrets());
    secrets.add(Secret.newBuilder().setName("provider/old/credential").build());
    assertThat(ReferenceCheck.check(with(good.clusters(), good.endpoints(), good.listeners(), good.routes(),
        secrets))).containsExactly("Secret provider/old/credential: no cluster, listener or consumer table references it");
  }

  @Test
  void missingAggregateChild() {
    List<Cluster> clusters = clustersMapped("fallback/mock-a/mock-fallback", c -> c.toBuilder()
        .setClusterType(c.getClusterType().toBuilder().setTypedConfig(Any.pack(ClusterConfig.newBuilder()
            .addClusters("provider/mock-a").addClusters("provider/missing").build())))
        .build());
    assertThat(ReferenceCheck.check(with(clusters, good.endpoints(), good.listeners(), good.routes(),
        good.secrets()))).containsExactly(
        "Cluster fallback/mock-a/mock-fallback: aggregate child 'provider/missing' does not exist");
  }

  @Test
  void aggregateChildThatIsAnAggregate() {
    List<Cluster> clusters = clustersMapped("fallback/mock-a/mock-fallback", c -> c.toBuilder()
        .setClusterType(c.getClusterType().toBuilder().setTypedConfig(Any.pack(ClusterConfig.newBuilder()
            .addClusters("fallback/mock-b/mock-fallback").build())))
        .build());
    assertThat(ReferenceCheck.check(with(clusters, good.endpoints(), good.listeners(), good.routes(),
        good.secrets()))).containsExactly(
        "Cluster fallback/mock-a/mock-fallback: aggregate child 'fallback/mock-b/mock-fallback' is itself an aggregate");
  }
}
