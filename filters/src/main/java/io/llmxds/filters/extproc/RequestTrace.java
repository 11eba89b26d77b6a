package io.llmxds.filters.extproc;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Map;

/**
 * The client's own trace context, from the W3C {@code traceparent} (and {@code tracestate}) of its request headers:
 * Envoy starts its request span from it but does not put its own span there (docs/envoy-semantics.md H5), so it is
 * the client's, and a span of the service links to it rather than continuing it.
 */
final class RequestTrace {
  private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
    @Override
    @SuppressWarnings("deprecation") // still abstract in the interface; the W3C propagator never calls it
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  private RequestTrace() {}

  /** The client's span context; invalid when it sent none. */
  static SpanContext client(TextMapPropagator propagator, Headers headers) {
    return Span.fromContext(propagator.extract(Context.root(), headers.asMap(), GETTER)).getSpanContext();
  }
}
