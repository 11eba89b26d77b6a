package io.llmxds.cp.observe;

import static io.llmxds.cp.observe.SpanAttributes.*;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@code xds.push} span per push, a child of the {@code policy.reload} span of the config version it carries, so
 * one trace per version shows the reload and every node's push and answer. A push of a version whose reload is no
 * longer known starts its own trace. One {@code xds.stream} span per stream, from open to close.
 */
public final class PushSpans implements PushObserver {
  private final Tracer tracer;
  private final Map<Push, Span> pushes = new ConcurrentHashMap<>();
  private final Map<Long, Span> streams = new ConcurrentHashMap<>();

  public PushSpans(Tracer tracer) {
    this.tracer = tracer;
  }

  @Override
  public void onStreamOpened(long streamId) {
    streams.put(streamId, tracer.spanBuilder(STREAM_SPAN)
        .setSpanKind(SpanKind.SERVER)
        .setNoParent()
        .setAttribute(STREAM_ID, streamId)
        .startSpan());
  }

  @Override
  public void onNodeIdentified(long streamId, XdsNode node) {
    Span span = streams.get(streamId);
    if (span != null) {
      span.setAttribute(NODE_ID, node.id()).setAttribute(NODE_CLUSTER, node.cluster());
    }
  }

  @Override
  public void onStreamClosed(long streamId, XdsNode node) {
    Span span = streams.remove(streamId);
    if (span != null) {
      span.end();
    }
  }

  @Override
  public void onPushSent(Push push) {
    Context parent = push.config()
        .map(c -> Context.root().with(Span.wrap(c.reloadSpan())))
        .orElse(Context.root());
    Span span = tracer.spanBuilder(PUSH_SPAN)
        .setSpanKind(SpanKind.PRODUCER)
        .setParent(parent)
        .setStartTimestamp(push.sentAt())
        .setAttribute(NODE_ID, push.node().id())
        .setAttribute(NODE_CLUSTER, push.node().cluster())
        .setAttribute(STREAM_ID, push.streamId())
        .setAttribute(TYPE_URL, push.typeUrl())
        .setAttribute(VERSION, push.typeVersion())
        .setAttribute(CONFIG_VERSION, push.configVersion())
        .setAttribute(NONCE, push.nonce())
        .setAttribute(RESOURCE_COUNT, (long) push.resourceCount())
        .setAttribute(RESOURCE_NAMES, push.resourceNames())
        .startSpan();
    pushes.put(push, span);
  }

  @Override
  public void onPushAnswered(Push push, PushOutcome outcome) {
    Span span = pushes.remove(push);
    if (span == null) {
      return;
    }
    span.setAttribute(OUTCOME, outcome.word());
    if (outcome instanceof PushOutcome.Acked acked) {
      span.setAttribute(ANSWER_MS, millis(acked.latency()));
      span.setStatus(StatusCode.OK);
    } else if (outcome instanceof PushOutcome.Nacked nacked) {
      span.setAttribute(ANSWER_MS, millis(nacked.latency()))
          .setAttribute(ERROR_CODE, (long) nacked.code())
          .setAttribute(ERROR_MESSAGE, nacked.message())
          .setAttribute(KEPT_VERSION, nacked.keptVersion());
      span.addEvent(EXCEPTION_EVENT, Attributes.of(EXCEPTION_TYPE, NACK_EXCEPTION_TYPE, EXCEPTION_MESSAGE,
          nacked.message()));
      span.setStatus(StatusCode.ERROR, nacked.message());
    } else if (outcome instanceof PushOutcome.Superseded superseded) {
      span.setAttribute(SUPERSEDED_BY, superseded.byNonce());
    }
    span.end();
  }

  private static double millis(Duration d) {
    return d.toNanos() / 1e6;
  }
}
