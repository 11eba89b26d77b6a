package io.llmxds.cp.translate;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.Provider;
import java.util.ArrayList;
import java.util.List;

/**
 * CDS for gRPC clients: a cluster per provider some route uses (EDS for IP literals, LOGICAL_DNS for names, the
 * provider's load-balancing policy and TLS, no credentials) and one aggregate cluster per distinct fallback chain
 * (gRFC A37).
 */
final class ProxylessClusterTranslator {

  private ProxylessClusterTranslator() {}

  static List<Cluster> translate(PolicyBundle bundle, List<Provider> used) {
    List<Cluster> clusters = new ArrayList<>();
    used.forEach(p -> clusters.add(providerCluster(p)));
    // No lb_policy: Envoy wants CLUSTER_PROVIDED on an aggregate, gRPC clients reject it and ignore the field.
    FallbackChain.distinct(bundle).forEach(chain -> clusters.add(ClusterTranslator.aggregateCluster(chain).build()));
    return clusters;
  }

  private static Cluster providerCluster(Provider provider) {
    Cluster.Builder cluster = ClusterTranslator.providerClusterBase(provider);
    UpstreamTls.forGrpc(provider).ifPresent(cluster::setTransportSocket);
    if (cluster.hasLoadAssignment()) {
      cluster.setLoadAssignment(ProxylessEndpointTranslator.inLocality(cluster.getLoadAssignment()));
    }
    return cluster.build();
  }
}
