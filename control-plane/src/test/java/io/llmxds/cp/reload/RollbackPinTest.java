package io.llmxds.cp.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmxds.cp.observe.AuditLog;
import io.llmxds.cp.observe.SpanAttributes;
import io.llmxds.cp.observe.TracedReloader;
import io.llmxds.cp.observe.XdsMetrics;
import io.llmxds.cp.testing.PolicyDirs;
import io.llmxds.cp.testing.TestTelemetry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollback seam: a kept version republished in place of the serving one stays until the source's content changes,
 * and is traced, audited and counted as a rollback.
 */
class RollbackPinTest {
  private static final Path MINIMAL = Path.of("src/test/resources/policies/good/minimal");

  @TempDir Path tmp;
  private Path dir;
  private final List<PolicyCompiler.Compiled> published = new ArrayList<>();
  private PolicyReloader reloader;
  private String limit = "10";

  @BeforeEach
  void start() {
    dir = PolicyDirs.copy(MINIMAL, tmp.resolve("policies"));
    reloader = new PolicyReloader(dir, (compiled, at) -> published.add(compiled), inputs -> {});
  }

  @Test
  void aRestoredVersionHoldsUntilTheSourceChanges() {
    PolicyCompiler.Compiled v1 = publishedAfterReload();
    setLimit("20");
    PolicyCompiler.Compiled v2 = publishedAfterReload();

    ReloadOutcome rollback = reloader.restore(reloader.previous().orElseThrow(), ReloadTrigger.GUARD);

    assertThat(rollback.status()).isEqualTo(ReloadOutcome.Status.SUCCESS);
    assertThat(rollback.configVersion()).isEqualTo(v1.configVersion());
    assertThat(rollback.previousVersion()).isEqualTo(v2.configVersion());
    assertThat(published.get(published.size() - 1)).as("the kept compile itself: byte-identical resources")
        .isSameAs(v1);
    assertThat(reloader.pin().orElseThrow().describe())
        .startsWith("rolled back from " + v2.configVersion() + " to " + v1.configVersion() + " at ")
        .endsWith("source still holds " + v2.configVersion());

    ReloadOutcome again = reloader.reload(ReloadTrigger.FILE_WATCH);
    assertThat(again.status()).as("the source still holds v2: not re-applied").isEqualTo(ReloadOutcome.Status.UNCHANGED);
    assertThat(reloader.current().orElseThrow().configVersion()).isEqualTo(v1.configVersion());
    assertThat(reloader.pin()).isPresent();

    setLimit("30");
    ReloadOutcome edited = reloader.reload(ReloadTrigger.FILE_WATCH);
    assertThat(edited.status()).isEqualTo(ReloadOutcome.Status.SUCCESS);
    assertThat(edited.previousVersion()).isEqualTo(v1.configVersion());
    assertThat(reloader.pin()).as("new content lifts the pin").isEmpty();

    setLimit("20");
    assertThat(reloader.reload(ReloadTrigger.FILE_WATCH).configVersion())
        .as("v2's content, changed since the pin, is applied again").isEqualTo(v2.configVersion());
  }

  @Test
  void revertingTheFilesToTheRestoredVersionLiftsThePin() {
    PolicyCompiler.Compiled v1 = publishedAfterReload();
    setLimit("20");
    publishedAfterReload();
    reloader.restore(v1, ReloadTrigger.ROLLBACK);

    setLimit("10");
    ReloadOutcome reverted = reloader.reload(ReloadTrigger.FILE_WATCH);

    assertThat(reverted.status()).isEqualTo(ReloadOutcome.Status.UNCHANGED);
    assertThat(reloader.pin()).isEmpty();
  }

  @Test
  void restoringTheServingVersionOrBeforeAnyIsNoRollback() {
    assertThat(reloader.restore(PolicyDirs.compiled(dir), ReloadTrigger.ROLLBACK).errors())
        .containsExactly("nothing is serving yet to roll back from");
    PolicyCompiler.Compiled v1 = publishedAfterReload();
    assertThat(reloader.restore(v1, ReloadTrigger.ROLLBACK).status()).isEqualTo(ReloadOutcome.Status.UNCHANGED);
    assertThat(reloader.pin()).isEmpty();
    assertThatThrownBy(() -> reloader.restore(v1, ReloadTrigger.FILE_WATCH))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRollbackIsAPolicyRollbackSpanLinkedToItsCauseAndCounted() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (TestTelemetry telemetry = new TestTelemetry(); XdsMetrics metrics = new XdsMetrics(registry)) {
      TracedReloader traced = new TracedReloader(reloader, telemetry.telemetry().tracer(),
          List.of(metrics, new AuditLog()));
      traced.reload(ReloadTrigger.STARTUP, Context.root(), "startup");
      setLimit("20");
      traced.reload(ReloadTrigger.FILE_WATCH, Context.root(), "file-watch");
      SpanContext cause = telemetry.spans().get(1).getSpanContext();

      AttributeKey<Double> errorRate = AttributeKey.doubleKey("llm_xds.guard.error_rate");
      traced.rollback(reloader.previous().orElseThrow(), ReloadTrigger.GUARD, Context.root(), "guard",
          Attributes.of(errorRate, 0.3), List.of(cause));

      SpanData rollback = telemetry.spans().get(2);
      assertThat(rollback.getName()).isEqualTo(SpanAttributes.ROLLBACK_SPAN);
      assertThat(rollback.getAttributes().get(SpanAttributes.TRIGGER)).isEqualTo("guard");
      assertThat(rollback.getAttributes().get(errorRate)).isEqualTo(0.3);
      assertThat(rollback.getLinks()).extracting(l -> l.getSpanContext().getSpanId())
          .containsExactly(cause.getSpanId());
      assertThat(registry.scrape()).contains("llm_xds_rollbacks_total{trigger=\"guard\"} 1.0");
    }
  }

  private PolicyCompiler.Compiled publishedAfterReload() {
    assertThat(reloader.reload(ReloadTrigger.FILE_WATCH).status()).isEqualTo(ReloadOutcome.Status.SUCCESS);
    return reloader.current().orElseThrow();
  }

  private void setLimit(String requests) {
    PolicyDirs.edit(dir.resolve("policy.yaml"), "    requests: " + limit + "\n", "    requests: " + requests + "\n");
    limit = requests;
  }
}
