package io.llmxds.cp.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.common.mutation_rules.v3.HeaderMutation;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.llmxds.common.GatewayIdentity;

/**
 * The headers only the gateway may set ({@link GatewayIdentity#RESERVED_REQUEST_HEADERS}), removed from every
 * client request by the HttpConnectionManager's early header mutation: before the route is first picked and before
 * any filter reads a header (docs/envoy-semantics.md I1). Route-level {@code internal_only_headers} would not do:
 * Envoy skips them for requests it deems internal (conn_manager_utility.cc:246-251).
 */
final class ReservedHeaders {

  private ReservedHeaders() {}

  static TypedExtensionConfig earlyRemoval() {
    io.envoyproxy.envoy.extensions.http.early_header_mutation.header_mutation.v3.HeaderMutation.Builder removal =
        io.envoyproxy.envoy.extensions.http.early_header_mutation.header_mutation.v3.HeaderMutation.newBuilder();
    GatewayIdentity.RESERVED_REQUEST_HEADERS.forEach(
        h -> removal.addMutations(HeaderMutation.newBuilder().setRemove(h)));
    return TypedExtensionConfig.newBuilder()
        .setName(Names.EARLY_HEADER_MUTATION)
        .setTypedConfig(Any.pack(removal.build()))
        .build();
  }
}
