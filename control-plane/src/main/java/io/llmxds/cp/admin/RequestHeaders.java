package io.llmxds.cp.admin;

import com.sun.net.httpserver.Headers;
import io.opentelemetry.context.propagation.TextMapGetter;

/** Reads W3C trace context ({@code traceparent}, {@code tracestate}) from an admin request. */
final class RequestHeaders {
  static final TextMapGetter<Headers> GETTER = (headers, key) -> headers == null ? null : headers.getFirst(key);

  private RequestHeaders() {}
}
