package io.llmxds.cp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmxds.cp.testing.PolicyDirs;
import io.llmxds.cp.testing.TwoHourExtProcTimeout;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code validate} and {@code render} report a break of Envoy's rules exactly as a reload does. */
class EnvoyRulesCliTest {

  @TempDir Path tmp;
  private Path policies;

  @BeforeEach
  void policiesEnvoyWouldReject() {
    policies = TwoHourExtProcTimeout.apply(PolicyDirs.copyExamples(tmp));
  }

  @Test
  void validatePrintsTheViolation() {
    CliRun run = CliRun.of("validate", policies.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out().lines()).containsExactlyElementsOf(Stream.concat(
        TwoHourExtProcTimeout.ERRORS.stream().map(e -> policies + "/" + e), Stream.of(policies + ": " + TwoHourExtProcTimeout.ERRORS.size() + " error(s)"))
        .toList());
  }

  @Test
  void renderPrintsTheViolationAndNothingElse() {
    CliRun run = CliRun.of("render", policies.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines())
        .containsExactlyElementsOf(TwoHourExtProcTimeout.ERRORS.stream().map(e -> policies + "/" + e).toList());
  }
}
