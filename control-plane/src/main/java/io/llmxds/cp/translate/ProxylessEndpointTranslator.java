package io.llmxds.cp.translate;

import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.llmxds.cp.policy.Provider;
import java.util.List;

/**
 * EDS for gRPC clients: the edge's assignments, with their one locality named. gRPC balances over localities first
 * (by their {@code load_balancing_weight}, which the assignment already has) and reports load per locality.
 */
final class ProxylessEndpointTranslator {

  private static final Locality LOCALITY =
      Locality.newBuilder().setRegion(Names.PROXYLESS_REGION).setZone(Names.PROXYLESS_ZONE).build();

  private ProxylessEndpointTranslator() {}

  static List<ClusterLoadAssignment> translate(List<Provider> used) {
    return EndpointTranslator.providerAssignments(used).stream().map(ProxylessEndpointTranslator::inLocality).toList();
  }

  static ClusterLoadAssignment inLocality(ClusterLoadAssignment assignment) {
    ClusterLoadAssignment.Builder named = assignment.toBuilder();
    for (LocalityLbEndpoints.Builder locality : named.getEndpointsBuilderList()) {
      locality.setLocality(LOCALITY);
    }
    return named.build();
  }
}
