package io.llmxds.filters.extproc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/** Reads each ext_proc stream's policy from its initial metadata into the stream's gRPC {@link Context}. */
public final class PolicyInterceptor implements ServerInterceptor {

  static final Context.Key<StreamPolicy> POLICY = Context.key("llm-xds-stream-policy");

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    return Contexts.interceptCall(Context.current().withValue(POLICY, PolicyMetadata.read(headers)), call, headers,
        next);
  }
}
