package io.llmxds.filters.auth;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.llmxds.filters.config.DataPathSnapshot;
import io.llmxds.filters.config.Lease;
import io.llmxds.filters.config.SnapshotLeases;
import io.llmxds.filters.context.ContextSpanAttributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.util.function.Consumer;

/**
 * One unary call Envoy makes to the data-path service (ext_authz {@code Check}, ratelimit {@code ShouldRateLimit}):
 * it runs under the snapshot current when it arrives, in a SERVER span that continues Envoy's trace ({@link
 * CallTrace}) and names the config version. A handler refuses a call on purpose by throwing a {@link
 * StatusRuntimeException} (passed on as is); anything else it throws is a bug, answered {@code INTERNAL} — Envoy then
 * applies its own failure mode, so a bug never lets a request through on its own.
 */
public final class DataPathCall {

  /** Answers the call under {@code snapshot}, describing it on {@code span}. */
  @FunctionalInterface
  public interface Handler<R> {
    R answer(DataPathSnapshot snapshot, Span span);
  }

  private DataPathCall() {}

  /**
   * @param bug what the {@code INTERNAL} error says when the handler fails (never the exception's message)
   * @param onBug what else a bug records on the span and meters
   */
  public static <R> void serve(SnapshotLeases snapshots, Tracer tracer, String spanName, StreamObserver<R> responses,
      String bug, Consumer<Span> onBug, Handler<R> handler) {
    Lease lease = snapshots.acquire();
    Span span = tracer.spanBuilder(spanName).setSpanKind(SpanKind.SERVER).setParent(CallTrace.PARENT.get())
        .startSpan();
    try {
      span.setAttribute(ContextSpanAttributes.CONFIG_VERSION, lease.snapshot().config());
      R answer = handler.answer(lease.snapshot(), span);
      responses.onNext(answer);
      responses.onCompleted();
    } catch (StatusRuntimeException refused) {
      responses.onError(refused);
    } catch (RuntimeException e) {
      onBug.accept(span);
      span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
      responses.onError(Status.INTERNAL.withDescription(bug).asRuntimeException());
    } finally {
      span.end();
      lease.release();
    }
  }
}
