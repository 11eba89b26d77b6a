package io.llmxds.cp.conformance;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * gRPC C-core's xDS client, through Debian's {@code python3-grpcio} (1.51.1 on Debian 12), in a
 * {@value #PYTHON} process ({@code src/test/python/xds-client.py}) driven by the line protocol of
 * {@link LineProtocolXdsClient}. That interpreter is run by its path, isolated ({@code -I}: no {@code PYTHON*}
 * variables, no user site), because a {@code python3} earlier on PATH (pyenv, a venv) has no Debian packages.
 * {@code bin/test} installs the package ({@code bin/ensure-python-grpc}); without it the suite fails and says so.
 *
 * <p>C-core traces its xDS client to stderr ({@code GRPC_TRACE=xds_client}): every ADS request with its version,
 * nonce and error, which is what a failure message quotes.
 */
final class GrpcCoreXdsClient extends LineProtocolXdsClient {
  static final String NODE_ID = "grpc-core-conformance";
  static final String PYTHON = "/usr/bin/python3";
  /** The script's directory, relative to the module directory Maven runs tests in. */
  static final Path PROJECT = Path.of("src", "test", "python").toAbsolutePath();

  private GrpcCoreXdsClient(String route, int xdsPort, Path scratch) {
    super("grpc-core", NODE_ID, List.of(PYTHON, "-I", "xds-client.py", route), PROJECT, Map.of(
        "GRPC_XDS_BOOTSTRAP_CONFIG", XdsBootstrap.json(xdsPort, NODE_ID),
        "GRPC_TRACE", "xds_client",
        "GRPC_VERBOSITY", "info"), scratch);
  }

  /** Starts {@code /usr/bin/python3 xds-client.py <route>} with a bootstrap for the xDS server on {@code xdsPort}. */
  static GrpcCoreXdsClient dial(String route, int xdsPort, Path scratch) {
    require("the gRPC C-core conformance tests need Debian's python3-grpcio: run bin/ensure-python-grpc "
        + "(bin/test does)", PYTHON, "-I", "-c", "import grpc");
    return new GrpcCoreXdsClient(route, xdsPort, scratch);
  }
}
