package io.llmxds.cp.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.clusters.aggregate.v3.ClusterConfig;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.Provider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** CDS: one cluster per provider, and one aggregate cluster per distinct fallback chain ({@link FallbackChain}). */
final class ClusterTranslator {

  private ClusterTranslator() {}

  static List<Cluster> translate(PolicyBundle bundle) {
    ProviderUses uses = ProviderUses.of(bundle);
    List<Cluster> clusters = new ArrayList<>();
    bundle.providers().forEach(p -> clusters.add(providerCluster(bundle, uses, p)));
    FallbackChain.distinct(bundle).forEach(chain -> clusters.add(fallbackCluster(bundle, chain)));
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

  /** The aggregate cluster of a fallback chain: each provider's cluster, in the chain's order. */
  static Cluster.Builder aggregateCluster(FallbackChain chain) {
    List<String> children = chain.providers().stream().map(Names::providerCluster).toList();
    return Cluster.newBuilder()
        .setName(chain.clusterName())
        .setClusterType(Cluster.CustomClusterType.newBuilder()
            .setName(Names.AGGREGATE_CLUSTER)
            .setTypedConfig(Any.pack(ClusterConfig.newBuilder().addAllClusters(children).build())));
  }

  /**
   * The chain's head first, then the fallbacks: each child's hosts become one priority level, so the
   * {@code previous_priorities} retry policy of the route moves each retry to the next provider. Envoy runs the
   * upstream filters of the aggregate cluster, not of the child that serves the request (upstream_request.cc:147),
   * so the aggregate carries the head's credential (the loader ensures a chain shares one) and the upstream
   * phase: it learns each try's provider, API and path from the chosen host's metadata and the model name from the
   * route's, so every provider gets its own model name, path and body format — and the cluster nothing of any one
   * route, which is why routes with the same chain share it.
   */
  private static Cluster fallbackCluster(PolicyBundle bundle, FallbackChain chain) {
    Cluster.Builder cluster = aggregateCluster(chain).setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED);
    bundle.provider(chain.head()).ifPresent(p -> cluster.putAllTypedExtensionProtocolOptions(
        UpstreamProtocolOptions.forProvider(bundle.gateway(), p)));
    return cluster.build();
  }
}
