package io.llmxds.filters.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.registry.otlp.OtlpConfig;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where the context service's meters go: always the Prometheus registry ({@code GET /metrics}), and OTLP/HTTP too
 * when {@code OTEL_METRICS_EXPORTER} (or {@code -Dotel.metrics.exporter}) names {@code otlp}. The OTLP side takes the
 * standard variables as Micrometer reads them ({@code OTEL_EXPORTER_OTLP_METRICS_ENDPOINT}, else
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT}{@code /v1/metrics}; {@code OTEL_SERVICE_NAME}, {@code OTEL_RESOURCE_ATTRIBUTES})
 * and times in seconds, the unit of the GenAI semantic conventions' durations (Micrometer names a timer's unit
 * {@code seconds}, not UCUM's {@code s}; its base unit is set after any meter filter could change it).
 */
public final class MeterExport implements AutoCloseable {
  private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
  private final Optional<OtlpMeterRegistry> otlp;

  /**
   * @param otlp the OTLP registry's Micrometer properties ({@code otlp.url}, {@code otlp.step}, …; unset ones from
   *     the environment as Micrometer reads it); empty: no OTLP export
   */
  public MeterExport(MeterRegistry prometheus, Optional<Map<String, String>> otlp) {
    registry.add(prometheus);
    this.otlp = otlp.map(properties -> {
      Map<String, String> withSeconds = new HashMap<>(properties);
      withSeconds.putIfAbsent("otlp.baseTimeUnit", "SECONDS");
      OtlpConfig config = withSeconds::get;
      return new OtlpMeterRegistry(config, io.micrometer.core.instrument.Clock.SYSTEM);
    });
    this.otlp.ifPresent(registry::add);
  }

  /** The export the environment asks for. */
  public static MeterExport fromEnvironment(MeterRegistry prometheus) {
    if (!otlpRequested(System.getenv(), System.getProperties())) {
      return new MeterExport(prometheus, Optional.empty());
    }
    // Micrometer's own properties may be given as -Dotlp.url=…, -Dotlp.step=…
    Map<String, String> properties = new HashMap<>();
    System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("otlp."))
        .forEach(k -> properties.put(k, System.getProperty(k)));
    return new MeterExport(prometheus, Optional.of(properties));
  }

  static boolean otlpRequested(Map<String, String> env, Map<Object, Object> sysProps) {
    String exporters = Optional.ofNullable((String) sysProps.get("otel.metrics.exporter"))
        .orElseGet(() -> env.getOrDefault("OTEL_METRICS_EXPORTER", ""));
    return java.util.Arrays.stream(exporters.toLowerCase(Locale.ROOT).split(","))
        .anyMatch(e -> e.strip().equals("otlp"));
  }

  /** The registry to register meters in: each is in every export. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Publishes what OTLP has not sent yet, and stops it; the Prometheus registry is its owner's. */
  @Override
  public void close() {
    otlp.ifPresent(MeterRegistry::close);
  }
}
