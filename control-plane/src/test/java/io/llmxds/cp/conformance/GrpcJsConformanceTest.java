package io.llmxds.cp.conformance;

import java.nio.file.Path;

/** The conformance suite against {@code @grpc/grpc-js-xds}, in a {@code node} process. */
class GrpcJsConformanceTest extends ProxylessConformance {
  /** Any free port will do (each process reads its own bootstrap); one per class keeps restarts on it. */
  private static final int XDS_PORT = LoopbackPorts.free();

  @Override
  int xdsPort() {
    return XDS_PORT;
  }

  @Override
  XdsTestClient dial(String route, int xdsPort, Path scratch) {
    return GrpcJsXdsClient.dial(route, xdsPort, scratch);
  }

  /** grpc-js-xds's cluster validation: "unsupported lb_policy: MAGLEV" (after "load_balancing_policy unset and"). */
  @Override
  String maglevRejection() {
    return "unsupported lb_policy: MAGLEV";
  }

  @Override
  String clientName() {
    return "grpc-js";
  }
}
