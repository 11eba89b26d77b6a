package io.llmxds.cp.admin;

import com.sun.net.httpserver.Headers;
import io.opentelemetry.context.propagation.TextMapGetter;

/** Reads W3C trace context ({@code traceparent}, {@code tracestate}) from an admin request. */
final class RequestHeaders {
  static final TextMapGetter<Headers> GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Headers headers) {
      return headers.keySet();
    }

    @Override
    public String get(Headers headers, String key) {
      return headers == null ? null : headers.getFirst(key);
    }
  };

  private RequestHeaders() {}
}
