package io.llmxds.filters.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;

/**
 * The trace a {@code Check} belongs to: Envoy's gRPC client starts a child span of the request for the call and puts
 * its context into the call's initial metadata (docs/envoy-semantics.md EA6), from where this reads it, so the
 * {@code auth.check} and {@code ratelimit.check} spans sit in the request's trace. An ext_proc stream is opened the
 * same way (H5): the context service's spans of a request continue Envoy's span for the stream.
 */
public final class CallTrace implements ServerInterceptor {
  static final Context.Key<io.opentelemetry.context.Context> PARENT =
      Context.keyWithDefault("llm-xds-call-trace", io.opentelemetry.context.Context.root());

  private static final TextMapGetter<Metadata> GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Metadata carrier) {
      return carrier.keys();
    }

    @Override
    public String get(Metadata carrier, String key) {
      // Binary entries are no trace headers (and cannot be read as text).
      return carrier == null || key.endsWith(Metadata.BINARY_HEADER_SUFFIX) ? null
          : carrier.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
    }
  };

  private final TextMapPropagator propagator;

  /** The trace context of the call being served (root when Envoy sent none). */
  public static io.opentelemetry.context.Context parent() {
    return PARENT.get();
  }

  public CallTrace(TextMapPropagator propagator) {
    this.propagator = propagator;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    io.opentelemetry.context.Context parent =
        propagator.extract(io.opentelemetry.context.Context.root(), headers, GETTER);
    return Contexts.interceptCall(Context.current().withValue(PARENT, parent), call, headers, next);
  }
}
