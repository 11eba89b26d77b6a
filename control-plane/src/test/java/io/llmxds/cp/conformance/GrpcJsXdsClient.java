package io.llmxds.cp.conformance;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code @grpc/grpc-js-xds}'s xDS client in a {@code node} process ({@code src/test/node/xds-client.js}), driven by
 * the line protocol of {@link LineProtocolXdsClient}. {@code bin/test} installs its packages
 * ({@code bin/ensure-node-deps}); without {@code node} or them the suite fails and says so.
 */
final class GrpcJsXdsClient extends LineProtocolXdsClient {
  static final String NODE_ID = "grpc-js-conformance";
  /** The Node project, relative to the module directory Maven runs tests in. */
  static final Path PROJECT = Path.of("src", "test", "node").toAbsolutePath();

  private GrpcJsXdsClient(String route, int xdsPort, Path scratch) {
    super("grpc-js", NODE_ID, List.of("node", "xds-client.js", route), PROJECT,
        Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", XdsBootstrap.json(xdsPort, NODE_ID)), scratch);
  }

  /** Starts {@code node xds-client.js <route>} with a bootstrap for the xDS server on {@code xdsPort}. */
  static GrpcJsXdsClient dial(String route, int xdsPort, Path scratch) {
    require("the grpc-js conformance tests need Node.js 18 or newer on PATH (bin/test checks it)", "node", "--version");
    if (!Files.isDirectory(PROJECT.resolve("node_modules").resolve("@grpc").resolve("grpc-js-xds"))) {
      fail("%s has no node_modules: run bin/ensure-node-deps (bin/test does)", PROJECT);
    }
    return new GrpcJsXdsClient(route, xdsPort, scratch);
  }
}
