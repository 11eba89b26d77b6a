package io.llmxds.cp.conformance;

/**
 * The conformance suite against {@code @grpc/grpc-js-xds}, in a {@code node} process. Its cluster validation rejects
 * MAGLEV with "load_balancing_policy unset and unsupported lb_policy: MAGLEV".
 */
class GrpcJsConformanceTest extends ProxylessConformance {
  GrpcJsConformanceTest() {
    super("grpc-js", GrpcJsXdsClient::dial, "unsupported lb_policy: MAGLEV");
  }
}
