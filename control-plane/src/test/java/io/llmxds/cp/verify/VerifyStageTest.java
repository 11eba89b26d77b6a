package io.llmxds.cp.verify;

import static io.llmxds.cp.observe.SpanAttributes.MESSAGE;
import static io.llmxds.cp.observe.SpanAttributes.RELOAD_SPAN;
import static io.llmxds.cp.observe.SpanAttributes.VALIDATION_ERROR_EVENT;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Durations;
import io.llmxds.cp.observe.TracedReloader;
import io.llmxds.cp.reload.PolicyCompiler;
import io.llmxds.cp.reload.PolicyReloader;
import io.llmxds.cp.reload.ReloadOutcome;
import io.llmxds.cp.reload.ReloadTrigger;
import io.llmxds.cp.testing.PolicyDirs;
import io.llmxds.cp.testing.TestTelemetry;
import io.llmxds.cp.testing.TwoHourExtProcTimeout;
import io.llmxds.cp.translate.Bundles;
import io.llmxds.cp.translate.EnvoyResources;
import io.llmxds.cp.translate.Translator;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Envoy's rules in the verify stage, end to end: a policy the loader accepts but whose translation Envoy would reject
 * ({@link TwoHourExtProcTimeout}) is a failed reload, never published, and the last good config keeps serving.
 */
class VerifyStageTest {

  @TempDir Path tmp;
  private final TestTelemetry telemetry = new TestTelemetry();

  @AfterEach
  void close() {
    telemetry.close();
  }

  @Test
  void aBundleThatTranslatesIntoARuleViolationDoesNotCompile() {
    PolicyCompiler.Result result = PolicyCompiler.compile(TwoHourExtProcTimeout.apply(PolicyDirs.copyExamples(tmp)));

    assertThat(result).isInstanceOf(PolicyCompiler.Failed.class);
    assertThat(((PolicyCompiler.Failed) result).errors()).containsExactlyElementsOf(TwoHourExtProcTimeout.ERRORS);
  }

  @Test
  void theReloadFailsWithAnErrorSpanAndTheLastGoodConfigKeepsServing() {
    Path policies = PolicyDirs.copyExamples(tmp);
    List<String> published = new ArrayList<>();
    PolicyReloader reloader = new PolicyReloader(policies, (config, at) -> published.add(config.configVersion()),
        inputs -> {});
    TracedReloader traced = new TracedReloader(reloader, telemetry.telemetry().tracer(), List.of());
    ReloadOutcome first = traced.reload(ReloadTrigger.STARTUP, Context.root(), "test");
    assertThat(first.status()).isEqualTo(ReloadOutcome.Status.SUCCESS);

    TwoHourExtProcTimeout.apply(policies);
    ReloadOutcome second = traced.reload(ReloadTrigger.FILE_WATCH, Context.root(), "test");

    assertThat(second.status()).isEqualTo(ReloadOutcome.Status.FAILURE);
    assertThat(second.errors()).containsExactlyElementsOf(TwoHourExtProcTimeout.ERRORS);
    assertThat(second.configVersion()).isEqualTo(first.configVersion());
    assertThat(published).containsExactly(first.configVersion());
    assertThat(reloader.current().orElseThrow().configVersion()).isEqualTo(first.configVersion());
    SpanData failed = telemetry.spans(RELOAD_SPAN).get(1);
    assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(failed.getEvents()).allSatisfy(e -> assertThat(e.getName()).isEqualTo(VALIDATION_ERROR_EVENT))
        .extracting(e -> e.getAttributes().get(MESSAGE)).containsExactlyElementsOf(TwoHourExtProcTimeout.ERRORS);
  }

  @Test
  void theVerifyStageReportsBrokenReferencesAndBrokenRulesOfHandBrokenResources() {
    EnvoyResources good = Translator.translate(Bundles.example());
    EnvoyResources broken = new EnvoyResources(
        good.clusters().stream().map(c -> c.getName().equals("provider/openai")
            ? c.toBuilder().setConnectTimeout(Durations.fromSeconds(-1)).build() : c).toList(),
        good.endpoints(), good.listeners(), good.routes(), List.of());

    assertThat(PolicyCompiler.verify(good)).isEmpty();
    assertThat(PolicyCompiler.verify(broken)).containsExactly(
        "verify: Cluster provider/openai: secret 'provider/openai/credential' is not in SDS",
        "verify: Cluster provider/openai: connect_timeout: duration {gt: 0s} (value: -1s)");
  }
}
