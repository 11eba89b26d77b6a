package io.llmxds.filters.extproc;

import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest.RequestCase;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.stub.StreamObserver;
import io.llmxds.filters.config.Lease;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ext_proc stream (one HTTP request): answers each message with exactly one response of its kind, inside the
 * request's trace (Envoy's span for the stream). A failure while handling a message never fails the request: the message passes unchanged. The
 * stream's end, whichever way it ends, releases its snapshot.
 */
final class ExchangeStream implements StreamObserver<ProcessingRequest> {
  private static final Logger log = LoggerFactory.getLogger(ExchangeStream.class);

  private final StreamObserver<ProcessingResponse> responses;
  private final ExchangeHandler handler;
  private final Context trace;
  private final ServiceMetrics metrics;
  private final Lease lease;

  /** @param trace Envoy's span for the stream, from its initial metadata (docs/envoy-semantics.md H5) */
  ExchangeStream(StreamObserver<ProcessingResponse> responses, ExchangeHandler handler, Context trace,
      ServiceMetrics metrics, Lease lease) {
    this.responses = responses;
    this.handler = handler;
    this.trace = trace;
    this.metrics = metrics;
    this.lease = lease;
  }

  @Override
  @SuppressWarnings("try") // the scope is only held open, never read
  public void onNext(ProcessingRequest request) {
    RequestCase kind = request.getRequestCase();
    ProcessingResponse response;
    try {
      if (request.getAttributesCount() > 0) {
        handler.attributes(request.getAttributesMap());
      }
      try (Scope ignored = trace.makeCurrent()) {
        response = handle(request);
      }
    } catch (RuntimeException e) {
      metrics.error("internal");
      // The exception's message may quote the body: only its type and where it was thrown are logged.
      StackTraceElement[] where = e.getStackTrace();
      log.error("ext_proc {} failed ({} at {}); the message passes unchanged", kind, e.getClass().getName(),
          where.length > 0 ? where[0] : "?");
      response = Responses.passThrough(kind);
    }
    responses.onNext(response);
  }

  /** The handler's last word; a failure in it is a bug, logged like one in a message, and the stream still ends. */
  @SuppressWarnings("try") // the scope is only held open, never read
  private void close() {
    try (Scope ignored = trace.makeCurrent()) {
      handler.closed();
    } catch (RuntimeException e) {
      metrics.error("internal");
      log.error("closing an ext_proc stream failed ({})", e.getClass().getName());
    }
  }

  private ProcessingResponse handle(ProcessingRequest request) {
    switch (request.getRequestCase()) {
      case REQUEST_HEADERS:
        return handler.requestHeaders(Headers.of(request.getRequestHeaders().getHeaders()));
      case REQUEST_BODY:
        return handler.requestBody(request.getRequestBody());
      case RESPONSE_HEADERS:
        return handler.responseHeaders(Headers.of(request.getResponseHeaders().getHeaders()));
      case RESPONSE_BODY:
        return handler.responseBody(request.getResponseBody());
      case RESPONSE_TRAILERS:
        return handler.responseTrailers();
      default:
        return Responses.passThrough(request.getRequestCase());
    }
  }

  /** Envoy gave up on the request (client gone, timeout): nothing was stored yet, nothing is. */
  @Override
  public void onError(Throwable t) {
    close();
    lease.release();
    log.debug("ext_proc stream ended by Envoy: {}", t.toString());
  }

  @Override
  public void onCompleted() {
    close();
    try {
      responses.onCompleted();
    } finally {
      lease.release();
    }
  }
}
