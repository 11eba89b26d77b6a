package io.llmxds.filters.config;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.llmxds.common.tls.ReloadingTls;
import java.util.Optional;

/**
 * The one place the channel to the control plane is built: plaintext, or mutual TLS (this service's certificate,
 * the control plane's verified against the CA and the host it connects to).
 */
final class XdsChannels {
  /** A whole table of thousands of routes is one RDS response; gRPC's default of 4 MiB could refuse it. */
  private static final int MAX_RESPONSE_BYTES = 64 << 20;

  private XdsChannels() {}

  static ManagedChannel open(XdsServerAddress server, Optional<ReloadingTls> tls) {
    NettyChannelBuilder builder = tls.isPresent()
        ? NettyChannelBuilder.forAddress(server.host(), server.port(), tls.get().channelCredentials())
        : NettyChannelBuilder.forAddress(server.host(), server.port()).usePlaintext();
    return builder.maxInboundMessageSize(MAX_RESPONSE_BYTES).build();
  }
}
