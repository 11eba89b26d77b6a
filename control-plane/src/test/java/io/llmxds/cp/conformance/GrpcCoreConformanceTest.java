package io.llmxds.cp.conformance;

/**
 * The conformance suite against gRPC C-core's xDS client (Debian's python3-grpcio), in a python process. C-core's
 * Cluster validation rejects MAGLEV with "errors validating Cluster resource: [field:lb_policy error:LB policy is
 * not supported]": it does not name the policy.
 */
class GrpcCoreConformanceTest extends ProxylessConformance {
  GrpcCoreConformanceTest() {
    super("grpc-core", GrpcCoreXdsClient::dial, "field:lb_policy error:LB policy is not supported");
  }
}
