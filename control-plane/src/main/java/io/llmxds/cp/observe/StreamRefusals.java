package io.llmxds.cp.observe;

import static io.llmxds.cp.observe.SpanAttributes.*;

import io.llmxds.cp.publish.StreamRefusal;
import io.llmxds.cp.publish.XdsEventListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;

/**
 * A refused xDS stream (a node id its client certificate does not name) as an {@code xds.stream.refused} span of its
 * own trace and a count per reason ({@code llm_xds.xds.streams.refused}): the claimed node id and the certificate's
 * SANs, never anything the stream would have been sent.
 */
public final class StreamRefusals implements XdsEventListener {
  static final String REFUSED = "llm_xds.xds.streams.refused";

  private final Tracer tracer;
  private final MeterRegistry registry;

  public StreamRefusals(Tracer tracer, MeterRegistry registry) {
    this.tracer = tracer;
    this.registry = registry;
  }

  @Override
  public void onStreamRefused(long streamId, StreamRefusal refusal) {
    tracer.spanBuilder(REFUSED_SPAN)
        .setSpanKind(SpanKind.SERVER)
        .setNoParent()
        .setAttribute(STREAM_ID, streamId)
        .setAttribute(NODE_ID, refusal.claimedNodeId())
        .setAttribute(PEER_SANS, refusal.peerSans())
        .setAttribute(REFUSAL_REASON, refusal.reason().wire())
        .startSpan()
        .addEvent(EXCEPTION_EVENT, Attributes.of(EXCEPTION_TYPE, REFUSAL_EXCEPTION_TYPE, EXCEPTION_MESSAGE,
            refusal.message()))
        .setStatus(StatusCode.ERROR, refusal.message())
        .end();
    Counter.builder(REFUSED)
        .description("xDS streams refused with PERMISSION_DENIED, per reason (the node is not its certificate's)")
        .tag("reason", refusal.reason().wire())
        .register(registry)
        .increment();
  }
}
