package io.llmxds.cp.translate;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.llmxds.common.ContextPolicyMetadata;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.Provider;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * EDS: upstreams given as IP literals are served as ClusterLoadAssignments (so an endpoint change is an EDS push,
 * not a cluster rebuild); DNS names are resolved by Envoy itself (LOGICAL_DNS with an inline assignment).
 */
final class EndpointTranslator {

  private static final Pattern IPV4 =
      Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private EndpointTranslator() {}

  static List<ClusterLoadAssignment> translate(PolicyBundle bundle) {
    return providerAssignments(bundle.providers());
  }

  /** The EDS resources of those {@code providers} whose hosts are IP literals. */
  static List<ClusterLoadAssignment> providerAssignments(List<Provider> providers) {
    return providers.stream()
        .flatMap(p -> edsAssignment(Names.providerCluster(p.name()), p.host(), p.port())
            .map(a -> ofProvider(a, p)).stream())
        .toList();
  }

  /**
   * {@code assignment} with every endpoint labelled by its Provider, the API it speaks and the path that stands for
   * its {@code /v1}: the upstream phase reads the labels of the host Envoy chose for a try ({@code
   * xds.upstream_host_metadata}), which through an aggregate cluster is a child's endpoint (docs/envoy-semantics.md
   * U2, A3), so each try of a fallback chain gets its own provider's path and API.
   */
  static ClusterLoadAssignment ofProvider(ClusterLoadAssignment assignment, Provider provider) {
    Metadata metadata = Metadata.newBuilder()
        .putFilterMetadata(ContextPolicyMetadata.METADATA_NAMESPACE, Struct.newBuilder()
            .putFields(ContextPolicyMetadata.ENDPOINT_PROVIDER_KEY, string(provider.name()))
            .putFields(ContextPolicyMetadata.ENDPOINT_API_KEY, string(provider.api().wire()))
            .putFields(ContextPolicyMetadata.ENDPOINT_API_ROOT_KEY, string(apiRoot(provider)))
            .build())
        .build();
    ClusterLoadAssignment.Builder labelled = assignment.toBuilder();
    labelled.getEndpointsBuilderList()
        .forEach(locality -> locality.getLbEndpointsBuilderList().forEach(e -> e.setMetadata(metadata)));
    return labelled.build();
  }

  /**
   * The path that stands for a provider's {@code /v1}: an OpenAI base URL names it ({@code https://api.openai.com/v1}),
   * an Anthropic one is the API's host ({@code https://api.anthropic.com}).
   */
  static String apiRoot(Provider provider) {
    return switch (provider.api()) {
      case OPENAI -> provider.pathPrefix();
      case ANTHROPIC -> provider.pathPrefix() + "/v1";
    };
  }

  private static Value string(String value) {
    return Value.newBuilder().setStringValue(value).build();
  }

  /** The EDS resource of an upstream, if it is served by EDS at all. */
  static Optional<ClusterLoadAssignment> edsAssignment(String cluster, String host, int port) {
    return servedByEds(host) ? Optional.of(loadAssignment(cluster, host, port)) : Optional.empty();
  }

  static boolean servedByEds(String host) {
    return IPV4.matcher(host).matches() || IPV6.matcher(host).matches();
  }

  /**
   * One locality with an explicit weight (proxyless gRPC clients reject localities without one) and the host name
   * on the endpoint, which {@code auto_host_rewrite} sends as the upstream Host (an IPv6 literal in brackets, as a
   * Host header needs it).
   */
  static ClusterLoadAssignment loadAssignment(String cluster, String host, int port) {
    Endpoint endpoint = Endpoint.newBuilder()
        .setAddress(Address.newBuilder()
            .setSocketAddress(SocketAddress.newBuilder().setAddress(host).setPortValue(port)))
        .setHostname(IPV6.matcher(host).matches() ? "[" + host + "]" : host)
        .build();
    return ClusterLoadAssignment.newBuilder()
        .setClusterName(cluster)
        .addEndpoints(LocalityLbEndpoints.newBuilder()
            .setLoadBalancingWeight(com.google.protobuf.UInt32Value.of(1))
            .addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(endpoint)))
        .build();
  }
}
