package io.llmxds.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TelemetryDefaultsTest {

  @Test
  void withNothingConfiguredSpansAreNotExportedAnywhere() {
    Map<String, String> defaults = Telemetry.defaults("svc", Map.of(), Map.of());

    assertThat(defaults).containsEntry("otel.traces.exporter", "none")
        .containsEntry("otel.metrics.exporter", "none")
        .containsEntry("otel.logs.exporter", "none")
        .containsEntry("otel.service.name", "svc");
  }

  @Test
  void anOtlpEndpointInTheEnvironmentTurnsTheDefaultExporterOn() {
    assertThat(Telemetry.defaults("svc", Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317"), Map.of()))
        .doesNotContainKey("otel.traces.exporter");
    assertThat(Telemetry.defaults("svc", Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4318/v1/traces"), Map.of()))
        .doesNotContainKey("otel.traces.exporter");
  }

  @Test
  void anExplicitExporterAsASystemPropertyIsLeftToTheSdk() {
    assertThat(Telemetry.defaults("svc", Map.of(), Map.of("otel.traces.exporter", "logging")))
        .doesNotContainKey("otel.traces.exporter");
  }

  @Test
  void blankSettingsCountAsUnset() {
    assertThat(Telemetry.defaults("svc", Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", " "), Map.of()))
        .containsEntry("otel.traces.exporter", "none");
  }

  @Test
  void autoconfigurationBuildsAWorkingSdkWithW3cPropagation() {
    try (Telemetry telemetry = Telemetry.autoconfigured("svc")) {
      assertThat(telemetry.openTelemetry().getPropagators().getTextMapPropagator().fields()).contains("traceparent");
      var span = telemetry.tracer().spanBuilder("probe").startSpan();
      assertThat(span.getSpanContext().isValid()).isTrue();
      span.end();
    }
  }
}
