package io.llmxds.filters.extproc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.llmxds.common.ContextPolicyMetadata;

/**
 * Reads which phase an ext_proc stream is ({@code x-llm-phase: upstream} from the upstream model rewriter, else a
 * client request) from its gRPC initial metadata into the stream's {@link Context}. Nothing else of the metadata
 * counts: a request's policy comes from the data-path config by its body's model.
 */
final class PhaseInterceptor implements ServerInterceptor {
  private static final Metadata.Key<String> PHASE =
      Metadata.Key.of(ContextPolicyMetadata.PHASE, Metadata.ASCII_STRING_MARSHALLER);

  static final Context.Key<Boolean> UPSTREAM = Context.keyWithDefault("llm-xds-upstream-phase", false);

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    boolean upstream = ContextPolicyMetadata.PHASE_UPSTREAM.equals(headers.get(PHASE));
    return Contexts.interceptCall(Context.current().withValue(UPSTREAM, upstream), call, headers, next);
  }
}
