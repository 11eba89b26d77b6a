package io.llmxds.filters.testing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;

/**
 * An OpenTelemetry SDK whose ended spans a test reads back at once (no batching, no global state), propagating W3C
 * trace context (what Envoy's OpenTelemetry tracer sends).
 */
public final class TestTracing implements AutoCloseable {

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
          .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
          .build();

  public OpenTelemetry openTelemetry() {
    return sdk;
  }

  /** Starts a span that stands for the request (Envoy's trace); make it current to parent the spans under test. */
  public Span startRequestSpan() {
    return sdk.getTracer("test").spanBuilder("request").startSpan();
  }

  public List<SpanData> spans() {
    return exporter.getFinishedSpanItems();
  }

  public List<SpanData> spansNamed(String name) {
    return spans().stream().filter(span -> span.getName().equals(name)).toList();
  }

  @Override
  public void close() {
    sdk.close();
  }
}
