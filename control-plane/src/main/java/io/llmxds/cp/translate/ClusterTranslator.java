package io.llmxds.cp.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.clusters.aggregate.v3.ClusterConfig;
import io.llmxds.cp.policy.ModelRoute;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.Provider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/** CDS: one cluster per provider, and one aggregate fallback cluster per (model route with fallbacks, backend). */
final class ClusterTranslator {

  private ClusterTranslator() {}

  static List<Cluster> translate(PolicyBundle bundle) {
    ProviderUses uses = ProviderUses.of(bundle);
    List<Cluster> clusters = new ArrayList<>();
    bundle.providers().forEach(p -> clusters.add(providerCluster(bundle, uses, p)));
    clusters.addAll(perFallbackChain(bundle, (route, backend) -> fallbackCluster(bundle, route, backend)));
    return clusters;
  }

  /** One cluster per (model route with fallbacks, backend provider): the head of each fallback chain. */
  static List<Cluster> perFallbackChain(PolicyBundle bundle, BiFunction<ModelRoute, String, Cluster> cluster) {
    List<Cluster> clusters = new ArrayList<>();
    for (ModelRoute route : bundle.modelRoutes()) {
      if (route.fallbacks().isEmpty()) {
        continue;
      }
      route.backends().stream()
          .map(ModelRoute.Backend::provider)
          .distinct()
          .forEach(p -> clusters.add(cluster.apply(route, p)));
    }
    return clusters;
  }

  /**
   * A cluster for one host and port: EDS when the host is an IP literal (its endpoints come from
   * {@link EndpointTranslator}), LOGICAL_DNS with an inline assignment otherwise.
   */
  static Cluster.Builder upstreamCluster(String name, String host, int port, Duration connectTimeout) {
    Cluster.Builder cluster = Cluster.newBuilder()
        .setName(name)
        .setConnectTimeout(ProtoValues.duration(connectTimeout));
    if (EndpointTranslator.servedByEds(host)) {
      return cluster
          .setType(Cluster.DiscoveryType.EDS)
          .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
              .setEdsConfig(ProtoValues.ads())
              .setServiceName(name));
    }
    return cluster
        .setType(Cluster.DiscoveryType.LOGICAL_DNS)
        .setDnsLookupFamily(Cluster.DnsLookupFamily.V4_PREFERRED)
        .setLoadAssignment(EndpointTranslator.loadAssignment(name, host, port));
  }

  /**
   * A provider's cluster, with upstream filters only when some route picks it directly: reached only through
   * fallback chains, the aggregates carry them ({@link ProviderUses}). Every picked cluster gets the upstream phase,
   * renamed or not: which API the client speaks, and so whether this try must be translated, is known only per
   * request.
   */
  private static Cluster providerCluster(PolicyBundle bundle, ProviderUses uses, Provider provider) {
    Cluster.Builder cluster = providerClusterBase(provider);
    UpstreamTls.forEnvoy(bundle.gateway(), provider).ifPresent(cluster::setTransportSocket);
    if (uses.direct().contains(provider.name())) {
      cluster.putAllTypedExtensionProtocolOptions(UpstreamProtocolOptions.forProvider(bundle.gateway(), provider));
    }
    return cluster.build();
  }

  /** What a provider's cluster is in every flavor: its upstream and load-balancing policy (TLS differs by flavor). */
  static Cluster.Builder providerClusterBase(Provider provider) {
    Cluster.Builder cluster = upstreamCluster(
        Names.providerCluster(provider.name()), provider.host(), provider.port(), provider.connectTimeout())
        .setLbPolicy(lbPolicy(provider.loadBalancing()));
    if (cluster.hasLoadAssignment()) {
      cluster.setLoadAssignment(EndpointTranslator.ofProvider(cluster.getLoadAssignment(), provider));
    }
    return cluster;
  }

  static Cluster.LbPolicy lbPolicy(Provider.LoadBalancing loadBalancing) {
    return switch (loadBalancing) {
      case ROUND_ROBIN -> Cluster.LbPolicy.ROUND_ROBIN;
      case LEAST_REQUEST -> Cluster.LbPolicy.LEAST_REQUEST;
      case RING_HASH -> Cluster.LbPolicy.RING_HASH;
      case RANDOM -> Cluster.LbPolicy.RANDOM;
      case MAGLEV -> Cluster.LbPolicy.MAGLEV;
    };
  }

  /** The aggregate cluster of {@code route} in front of {@code backend}: the backend, then the route's fallbacks. */
  static Cluster.Builder aggregateCluster(ModelRoute route, String backend) {
    Set<String> children = new LinkedHashSet<>();
    children.add(Names.providerCluster(backend));
    route.fallbackProviders().forEach(f -> children.add(Names.providerCluster(f)));
    return Cluster.newBuilder()
        .setName(Names.fallbackCluster(route.name(), backend))
        .setClusterType(Cluster.CustomClusterType.newBuilder()
            .setName(Names.AGGREGATE_CLUSTER)
            .setTypedConfig(Any.pack(ClusterConfig.newBuilder().addAllClusters(children).build())));
  }

  /**
   * The backend first, then the route's fallbacks: each child's hosts become one priority level, so the
   * {@code previous_priorities} retry policy of the route moves each retry to the next provider. Envoy runs the
   * upstream filters of the aggregate cluster, not of the child that serves the request (upstream_request.cc:147),
   * so the aggregate carries the backend's credential (the loader ensures a chain shares one) and the upstream
   * phase: it learns each try's provider, API and path from the chosen host's metadata, so every provider gets its
   * own model name, path and body format.
   */
  private static Cluster fallbackCluster(PolicyBundle bundle, ModelRoute route, String backend) {
    Cluster.Builder cluster = aggregateCluster(route, backend).setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED);
    bundle.provider(backend).ifPresent(p -> cluster.putAllTypedExtensionProtocolOptions(
        UpstreamProtocolOptions.forProvider(bundle.gateway(), p)));
    return cluster.build();
  }
}
