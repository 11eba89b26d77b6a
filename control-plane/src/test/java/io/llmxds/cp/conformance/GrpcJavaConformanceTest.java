package io.llmxds.cp.conformance;

import java.nio.file.Path;

/** The conformance suite against grpc-java's xDS client (io.grpc:grpc-xds), in this JVM. */
class GrpcJavaConformanceTest extends ProxylessConformance {

  @Override
  int xdsPort() {
    return GrpcJavaXdsClient.XDS_PORT;
  }

  @Override
  XdsTestClient dial(String route, int xdsPort, Path scratch) {
    return GrpcJavaXdsClient.dial(route);
  }

  /** grpc-java's {@code LegacyLoadBalancerConfigBuilder}: "Cluster <name>: unsupported lb policy: MAGLEV". */
  @Override
  String maglevRejection() {
    return "unsupported lb policy: MAGLEV";
  }

  @Override
  String clientName() {
    return "grpc-java";
  }
}
