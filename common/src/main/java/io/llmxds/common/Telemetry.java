package io.llmxds.common;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A process's tracing and metrics: an OpenTelemetry SDK (spans) and a Prometheus meter registry (served at
 * {@code GET /metrics}). The control plane and the context service set themselves up the same way.
 */
public final class Telemetry implements AutoCloseable {
  public static final String INSTRUMENTATION = "io.llmxds";

  private final OpenTelemetry openTelemetry;
  private final Tracer tracer;
  private final PrometheusMeterRegistry meters;
  private final Runnable shutdown;

  private Telemetry(OpenTelemetry openTelemetry, Runnable shutdown) {
    this.openTelemetry = openTelemetry;
    this.tracer = openTelemetry.getTracer(INSTRUMENTATION);
    this.meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.shutdown = shutdown;
  }

  /**
   * The SDK configured the standard way ({@code OTEL_SERVICE_NAME}, {@code OTEL_EXPORTER_OTLP_ENDPOINT},
   * {@code OTEL_TRACES_EXPORTER}, … as environment variables or {@code otel.*} system properties), W3C trace context.
   * With nothing configured, spans are still created (their trace ids appear in logs and {@code /status}) but not
   * exported: an exporter that points at a collector nobody runs would only log connection errors.
   */
  public static Telemetry autoconfigured(String serviceName) {
    OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> defaults(serviceName, System.getenv(), System.getProperties()))
        // Without any span processor the SDK hands out invalid no-op spans; this one keeps spans (and their trace
        // ids) real when no exporter is configured, at no cost.
        .addTracerProviderCustomizer((tracerProvider, config) -> tracerProvider.addSpanProcessor(new KeepSpans()))
        .build()
        .getOpenTelemetrySdk();
    return new Telemetry(sdk, sdk::close);
  }

  /** An already configured OpenTelemetry (tests use an in-memory exporter); closing it is the caller's job. */
  public static Telemetry of(OpenTelemetry openTelemetry) {
    return new Telemetry(openTelemetry, () -> { });
  }

  /** Defaults that environment variables and system properties override. */
  static Map<String, String> defaults(String serviceName, Map<String, String> env, Map<Object, Object> sysProps) {
    Map<String, String> defaults = new HashMap<>();
    defaults.put("otel.service.name", serviceName);
    defaults.put("otel.metrics.exporter", "none");
    defaults.put("otel.logs.exporter", "none");
    boolean tracesConfigured = configured(env, sysProps, "otel.traces.exporter")
        || configured(env, sysProps, "otel.exporter.otlp.endpoint")
        || configured(env, sysProps, "otel.exporter.otlp.traces.endpoint");
    if (!tracesConfigured) {
      defaults.put("otel.traces.exporter", "none");
    }
    return defaults;
  }

  private static boolean configured(Map<String, String> env, Map<Object, Object> sysProps, String property) {
    String envName = property.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
    return Optional.ofNullable(env.get(envName)).or(() -> Optional.ofNullable((String) sysProps.get(property)))
        .filter(v -> !v.isBlank())
        .isPresent();
  }

  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  public Tracer tracer() {
    return tracer;
  }

  public PrometheusMeterRegistry meters() {
    return meters;
  }

  @Override
  public void close() {
    meters.close();
    shutdown.run();
  }

  /** A span processor with nothing to do, so that the SDK creates real spans. */
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
