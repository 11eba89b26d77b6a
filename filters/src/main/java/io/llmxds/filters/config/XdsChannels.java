package io.llmxds.filters.config;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/** The one place the channel to the control plane is built (plaintext today; TLS belongs here). */
final class XdsChannels {
  /** A whole table of thousands of routes is one RDS response; gRPC's default of 4 MiB could refuse it. */
  private static final int MAX_RESPONSE_BYTES = 64 << 20;

  private XdsChannels() {}

  static ManagedChannel open(XdsServerAddress server) {
    return NettyChannelBuilder.forAddress(server.host(), server.port())
        .usePlaintext()
        .maxInboundMessageSize(MAX_RESPONSE_BYTES)
        .build();
  }
}
