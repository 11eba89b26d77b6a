package io.llmxds.cp.conformance;

/**
 * The conformance suite against grpc-java's xDS client (io.grpc:grpc-xds), in this JVM. grpc-java's
 * {@code LegacyLoadBalancerConfigBuilder} rejects MAGLEV with "Cluster <name>: unsupported lb policy: MAGLEV"; its
 * bootstrap, read once per JVM, fixes the xDS port ({@link GrpcJavaXdsClient#XDS_PORT}).
 */
class GrpcJavaConformanceTest extends ProxylessConformance {
  GrpcJavaConformanceTest() {
    super("grpc-java", (route, xdsPort, scratch) -> GrpcJavaXdsClient.dial(route), "unsupported lb policy: MAGLEV",
        GrpcJavaXdsClient.XDS_PORT);
  }
}
