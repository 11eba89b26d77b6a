package io.llmxds.filters.server;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.Map;

/**
 * The process's OpenTelemetry SDK, configured the standard way ({@code OTEL_EXPORTER_OTLP_ENDPOINT},
 * {@code OTEL_TRACES_EXPORTER}, … or {@code otel.*} properties; service name {@code llm-xds-filters}), and its
 * Prometheus registry. Like the control plane's: with no exporter configured nothing is exported, and no metrics or
 * logs exporter runs (metrics are scraped at {@code /metrics}).
 */
public final class Telemetry implements AutoCloseable {
  private final OpenTelemetrySdk sdk;
  private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  private Telemetry(OpenTelemetrySdk sdk) {
    this.sdk = sdk;
  }

  public static Telemetry autoconfigured() {
    boolean tracesConfigured = System.getenv("OTEL_TRACES_EXPORTER") != null
        || System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != null
        || System.getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != null
        || System.getProperty("otel.traces.exporter") != null
        || System.getProperty("otel.exporter.otlp.endpoint") != null;
    OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> Map.of(
            "otel.service.name", "llm-xds-filters",
            "otel.metrics.exporter", "none",
            "otel.logs.exporter", "none",
            "otel.traces.exporter", tracesConfigured ? "otlp" : "none"))
        // Without any span processor the SDK hands out invalid no-op spans; this one keeps them real for free.
        .addTracerProviderCustomizer((provider, config) -> provider.addSpanProcessor(new KeepSpans()))
        .build()
        .getOpenTelemetrySdk();
    return new Telemetry(sdk);
  }

  public OpenTelemetrySdk openTelemetry() {
    return sdk;
  }

  public PrometheusMeterRegistry meters() {
    return meters;
  }

  @Override
  public void close() {
    meters.close();
    sdk.close();
  }

  private static final class KeepSpans implements SpanProcessor {
    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {}

    @Override
    public boolean isEndRequired() {
      return false;
    }
  }
}
