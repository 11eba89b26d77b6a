package io.llmxds.cp.conformance;

/**
 * The bootstrap every client reads (grpc-java from {@code io.grpc.xds.bootstrapConfig}, grpc-js and C-core from
 * {@code GRPC_XDS_BOOTSTRAP_CONFIG}). They announce themselves as gRPC through the node's {@code user_agent_name},
 * which they set on their own; nothing here asks for the proxyless flavor.
 */
final class XdsBootstrap {
  private XdsBootstrap() {}

  static String json(int xdsPort, String nodeId) {
    return """
        {"xds_servers": [{"server_uri": "127.0.0.1:%d", "channel_creds": [{"type": "insecure"}],
          "server_features": ["xds_v3"]}],
         "node": {"id": "%s", "cluster": "conformance", "locality": {"region": "r1", "zone": "z1"}}}
        """.formatted(xdsPort, nodeId);
  }
}
