package io.llmxds.filters.extproc;

import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.llmxds.filters.config.Lease;
import io.llmxds.filters.config.SnapshotLeases;
import io.llmxds.filters.context.ConversationMemory;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.llmxds.filters.auth.CallTrace;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.time.Clock;

/**
 * Envoy's {@code ExternalProcessor}: the conversation-context service (docs/context-protocol.md). Each
 * {@code Process} stream is one HTTP request; it holds the data-path snapshot current when it starts until it ends,
 * and runs under the policy that snapshot's table gives its body's model. Serve it with {@link #service()}, which
 * reads the stream's phase from its initial metadata.
 */
public final class ContextProcessor extends ExternalProcessorGrpc.ExternalProcessorImplBase {
  public static final String INSTRUMENTATION = "io.llmxds.filters.extproc";
  /** Bodies larger than this are refused (413) until a data-path config sets the Gateway's limit. */
  public static final long DEFAULT_MAX_BODY_BYTES = 8L << 20;

  private final SnapshotLeases snapshots;
  private final ServiceParts parts;
  private final TextMapPropagator propagator;

  public ContextProcessor(SnapshotLeases snapshots, ConversationMemory memory, OpenTelemetry openTelemetry,
      MeterRegistry meters, Clock clock) {
    this.snapshots = snapshots;
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    this.parts = new ServiceParts(memory, openTelemetry.getTracer(INSTRUMENTATION), propagator,
        new ServiceMetrics(meters), new GenAiMetrics(meters), clock);
  }

  /**
   * This service behind the interceptors that read each stream's phase and Envoy's trace context (H5) from its
   * initial metadata.
   */
  public ServerServiceDefinition service() {
    return ServerInterceptors.intercept(this, new PhaseInterceptor(), new CallTrace(propagator));
  }

  @Override
  public StreamObserver<ProcessingRequest> process(StreamObserver<ProcessingResponse> responses) {
    Lease lease = snapshots.acquire();
    // Envoy cancels the stream when the client goes away or a message times out: that ends the request too.
    if (responses instanceof ServerCallStreamObserver<ProcessingResponse> call) {
      call.setOnCancelHandler(lease::release);
    }
    ExchangeHandler handler = PhaseInterceptor.UPSTREAM.get()
        ? new UpstreamRewrite(lease.snapshot(), parts)
        : new LlmExchange(lease.snapshot(), parts);
    // Envoy's span for this stream (H5), not the client's traceparent: the request's spans sit in Envoy's trace.
    return new ExchangeStream(responses, handler, CallTrace.parent(), parts.metrics(), lease);
  }
}
