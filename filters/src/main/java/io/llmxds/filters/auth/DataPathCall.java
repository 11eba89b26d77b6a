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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * One unary call Envoy makes to the data-path service (ext_authz {@code Check}, ratelimit {@code ShouldRateLimit}):
 * it runs under the snapshot current when it arrives, in a SERVER span that continues Envoy's trace ({@link
 * CallTrace}) and names the config version. A handler refuses a call on purpose by throwing a {@link
 * StatusRuntimeException} (or failing its future with one; passed on as is); anything else is a bug, answered
 * {@code INTERNAL} — Envoy then applies its own failure mode, so a bug never lets a request through on its own.
 */
public final class DataPathCall {

  /** Answers the call under {@code snapshot}, describing it on {@code span}. */
  @FunctionalInterface
  public interface Handler<R> {
    R answer(DataPathSnapshot snapshot, Span span);
  }

  /** Answers the call under {@code snapshot} when the returned future completes, describing it on {@code span}. */
  @FunctionalInterface
  public interface AsyncHandler<R> {
    CompletionStage<R> answer(DataPathSnapshot snapshot, Span span);
  }

  private DataPathCall() {}

  /**
   * @param bug what the {@code INTERNAL} error says when the handler fails (never the exception's message)
   * @param onBug what else a bug records on the span and meters
   */
  public static <R> void serve(SnapshotLeases snapshots, Tracer tracer, String spanName, StreamObserver<R> responses,
      String bug, Consumer<Span> onBug, Handler<R> handler) {
    serveAsync(snapshots, tracer, spanName, responses, bug, onBug,
        (snapshot, span) -> CompletableFuture.completedFuture(handler.answer(snapshot, span)));
  }

  /**
   * As {@link #serve}, the answer sent when {@code handler}'s future completes (on whichever thread completes it):
   * the span ends and the snapshot's lease is released then (just before the answer is sent), not when this
   * method returns.
   */
  public static <R> void serveAsync(SnapshotLeases snapshots, Tracer tracer, String spanName,
      StreamObserver<R> responses, String bug, Consumer<Span> onBug, AsyncHandler<R> handler) {
    Lease lease = snapshots.acquire();
    Span span = tracer.spanBuilder(spanName).setSpanKind(SpanKind.SERVER).setParent(CallTrace.PARENT.get())
        .startSpan();
    CompletionStage<R> answer;
    try {
      span.setAttribute(ContextSpanAttributes.CONFIG_VERSION, lease.snapshot().config());
      answer = handler.answer(lease.snapshot(), span);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete((r, error) -> {
      Runnable send;
      try {
        send = outcome(responses, r, error, bug, onBug, span);
      } finally {
        // Ended before the answer leaves: whoever sees the answer sees the finished span.
        span.end();
        lease.release();
      }
      send.run();
    });
  }

  /** Records a bug on the span; returns what to send. */
  private static <R> Runnable outcome(StreamObserver<R> responses, R answer, Throwable error, String bug,
      Consumer<Span> onBug, Span span) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause == null) {
      return () -> {
        responses.onNext(answer);
        responses.onCompleted();
      };
    }
    if (cause instanceof StatusRuntimeException refused) {
      return () -> responses.onError(refused);
    }
    onBug.accept(span);
    span.setStatus(StatusCode.ERROR, cause.getClass().getSimpleName());
    return () -> responses.onError(Status.INTERNAL.withDescription(bug).asRuntimeException());
  }
}
