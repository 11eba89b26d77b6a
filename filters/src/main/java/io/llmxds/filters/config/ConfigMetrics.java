package io.llmxds.filters.config;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Locale;

/**
 * The data-path config's meters (Prometheus {@code llm_xds_context_config_*}): which config runs, what was ACKed
 * and NACKed, how often the stream to the control plane was lost, and how many snapshots are held.
 */
public final class ConfigMetrics {
  static final String INFO = "llm_xds.context.config.info";
  static final String ACKS = "llm_xds.context.config.acks";
  static final String NACKS = "llm_xds.context.config.nacks";
  static final String RECONNECTS = "llm_xds.context.config.reconnects";
  static final String SNAPSHOTS = "llm_xds.context.config.snapshots";

  private final MeterRegistry registry;
  private final MultiGauge info;

  public ConfigMetrics(MeterRegistry registry, LiveSnapshot live) {
    this.registry = registry;
    this.info = MultiGauge.builder(INFO)
        .description("The config the service runs, as its config_version tag (value 1)")
        .register(registry);
    Gauge.builder(SNAPSHOTS, live, LiveSnapshot::heldSnapshots)
        .description("Snapshots held: the current one and those requests still run under")
        .strongReference(true)
        .register(registry);
    applied(live.current());
  }

  void applied(DataPathSnapshot snapshot) {
    info.register(List.of(MultiGauge.Row.of(Tags.of("config_version", snapshot.config()), 1)), true);
  }

  void ack(ResourceType type) {
    registry.counter(ACKS, "type", tag(type)).increment();
  }

  void nack(ResourceType type) {
    registry.counter(NACKS, "type", tag(type)).increment();
  }

  void reconnect() {
    registry.counter(RECONNECTS).increment();
  }

  private static String tag(ResourceType type) {
    return type.name().toLowerCase(Locale.ROOT);
  }
}
