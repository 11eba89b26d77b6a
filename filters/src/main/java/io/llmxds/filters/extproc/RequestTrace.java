package io.llmxds.filters.extproc;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Map;

/** The request's trace, continued from the W3C {@code traceparent} (and {@code tracestate}) Envoy sends. */
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

  static Context extract(TextMapPropagator propagator, Headers headers) {
    return propagator.extract(Context.root(), headers.asMap(), GETTER);
  }
}
