package io.llmxds.cp.observe;

import static io.llmxds.cp.observe.SpanAttributes.*;

import io.llmxds.cp.reload.PolicyCompiler;
import io.llmxds.cp.reload.PolicyReloader;
import io.llmxds.cp.reload.ReloadOutcome;
import io.llmxds.cp.reload.ReloadTrigger;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every reload inside a {@code policy.reload} span, and every rollback inside a {@code policy.rollback} span, and
 * tells the {@link ReloadObserver}s how it went. The span is current while the config is published, so the publisher
 * can record it as the parent of the version's pushes.
 */
public final class TracedReloader {
  private static final Logger log = LoggerFactory.getLogger(TracedReloader.class);
  /** Validation errors recorded as span events, at most; the rest are counted. */
  static final int MAX_ERROR_EVENTS = 100;

  private final PolicyReloader reloader;
  private final Tracer tracer;
  private final List<ReloadObserver> observers;

  public TracedReloader(PolicyReloader reloader, Tracer tracer, List<ReloadObserver> observers) {
    this.reloader = reloader;
    this.tracer = tracer;
    this.observers = List.copyOf(observers);
  }

  /**
   * @param parent the caller's trace (an admin request's {@code traceparent}), or {@link Context#root()}
   */
  public ReloadOutcome reload(ReloadTrigger trigger, Context parent, String actor) {
    return traced(tracer.spanBuilder(RELOAD_SPAN).setParent(parent), trigger, actor, () -> reloader.reload(trigger));
  }

  /**
   * Republishes a kept version ({@link PolicyReloader#restore}) in a {@code policy.rollback} span.
   *
   * @param evidence why (the guard's rates and counts, the version asked for), recorded on the span
   * @param causes the spans that led to it (the guarded reload's), linked rather than parented: the rollback
   *     happens later, in its own trace when nobody asked for it
   */
  public ReloadOutcome rollback(PolicyCompiler.Compiled kept, ReloadTrigger trigger, Context parent, String actor,
      Attributes evidence, List<SpanContext> causes) {
    SpanBuilder builder = tracer.spanBuilder(ROLLBACK_SPAN).setParent(parent).setAllAttributes(evidence);
    causes.stream().filter(SpanContext::isValid).forEach(builder::addLink);
    return traced(builder, trigger, actor, () -> reloader.restore(kept, trigger));
  }

  @SuppressWarnings("try") // the scope is only held open, never read
  private ReloadOutcome traced(SpanBuilder builder, ReloadTrigger trigger, String actor,
      Supplier<ReloadOutcome> attempt) {
    Span span = builder.setAttribute(TRIGGER, trigger.wire()).setAttribute(ACTOR, actor).startSpan();
    ReloadOutcome outcome;
    try (Scope ignored = span.makeCurrent()) {
      outcome = attempt.get();
    } catch (RuntimeException e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR, e.toString());
      span.end();
      throw e;
    }
    record(span, outcome);
    span.end();
    for (ReloadObserver observer : observers) {
      try {
        observer.onReload(outcome, actor, span.getSpanContext());
      } catch (RuntimeException e) {
        log.warn("reload observer {} failed", observer.getClass().getSimpleName(), e);
      }
    }
    return outcome;
  }

  public PolicyReloader reloader() {
    return reloader;
  }

  private static void record(Span span, ReloadOutcome outcome) {
    span.setAttribute(RELOAD_STATUS, outcome.status().wire())
        .setAttribute(CONFIG_VERSION, outcome.configVersion())
        .setAttribute(PREVIOUS_VERSION, outcome.previousVersion())
        .setAttribute(RELOAD_DURATION_MS, outcome.duration().toNanos() / 1e6)
        .setAttribute(ERROR_COUNT, (long) outcome.errors().size())
        .setAttribute(CHANGES, String.join("; ", outcome.changes()));
    outcome.sourceRevision().ifPresent(revision -> span.setAttribute(SOURCE_REVISION, revision));
    outcome.errors().stream().limit(MAX_ERROR_EVENTS)
        .forEach(e -> span.addEvent(VALIDATION_ERROR_EVENT, Attributes.of(MESSAGE, e)));
    if (outcome.status() == ReloadOutcome.Status.FAILURE) {
      span.setStatus(StatusCode.ERROR, outcome.errors().isEmpty() ? "rejected" : outcome.errors().get(0));
    } else {
      span.setStatus(StatusCode.OK);
    }
  }
}
