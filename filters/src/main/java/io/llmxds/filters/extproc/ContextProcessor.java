package io.llmxds.filters.extproc;

import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Metadata;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.StreamObserver;
import io.llmxds.filters.context.ConversationMemory;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Envoy's {@code ExternalProcessor}: the conversation-context service (docs/context-protocol.md). Each
 * {@code Process} stream is one HTTP request, under the policy its gRPC initial metadata names; serve it with
 * {@link #service()}, which reads that metadata.
 */
public final class ContextProcessor extends ExternalProcessorGrpc.ExternalProcessorImplBase {
  private static final Logger log = LoggerFactory.getLogger(ContextProcessor.class);
  public static final String INSTRUMENTATION = "io.llmxds.filters.extproc";
  /** Bodies larger than this pass through unparsed. */
  public static final long DEFAULT_MAX_BODY_BYTES = 8L << 20;

  private final ServiceParts parts;
  private final TextMapPropagator propagator;
  private final AtomicBoolean fallbackLogged = new AtomicBoolean();

  public ContextProcessor(ConversationMemory memory, OpenTelemetry openTelemetry, MeterRegistry meters,
      long maxBodyBytes, Clock clock) {
    this.parts = new ServiceParts(memory, openTelemetry.getTracer(INSTRUMENTATION), new ServiceMetrics(meters),
        maxBodyBytes, clock);
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
  }

  /** This service behind the interceptor that reads each stream's policy from its initial metadata. */
  public ServerServiceDefinition service() {
    return ServerInterceptors.intercept(this, new PolicyInterceptor());
  }

  @Override
  public StreamObserver<ProcessingRequest> process(StreamObserver<ProcessingResponse> responses) {
    StreamPolicy stream = Optional.ofNullable(PolicyInterceptor.POLICY.get())
        .orElseGet(() -> PolicyMetadata.read(new Metadata()));
    if (stream.fallback()) {
      parts.metrics().policyFallback();
      if (fallbackLogged.compareAndSet(false, true)) {
        log.warn("an ext_proc stream came without a readable context policy in its metadata: using the built-in "
            + "default (docs/context-protocol.md); counted in llm_xds_context_policy_fallbacks_total, logged once");
      }
    }
    ExchangeHandler handler = stream.upstream() ? new UpstreamRewrite(parts) : new ChatExchange(stream.policy(), parts);
    return new ExchangeStream(responses, handler, propagator, parts.metrics());
  }
}
