package io.llmxds.cp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmxds.cp.envoy.ProcessStandIn;
import io.llmxds.cp.testing.PolicyDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code validate --envoy} and {@code render --bootstrap} as a user runs them: exit codes 0 (Envoy accepts), 1
 * (rejected), 2 (Envoy cannot run), what is printed, and that secrets are printed never. Where an Envoy "answers",
 * a {@link ProcessStandIn} script does: these tests check our process handling and output, not Envoy (the envoy
 * module's EnvoyValidateTest does, where an Envoy runs).
 */
class EnvoyValidateCliTest {
  private static final String EXAMPLES = PolicyDirs.EXAMPLES.toString();

  @TempDir
  Path tmp;

  @Test
  void aMissingEnvoyExitsTwoWithTheReasonBeforeAnythingIsJudged() {
    CliRun run = CliRun.of("validate", "--envoy", "/nonexistent", EXAMPLES);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEqualTo("cannot run Envoy: Envoy not found: /nonexistent does not exist\n");
  }

  @Test
  void dockerWithoutAnEngineExitsTwoWithDockersOwnWords() throws Exception {
    Assumptions.assumeFalse(dockerEngineAnswers(), "a Docker engine answers here");

    CliRun run = CliRun.of("validate", "--envoy", "docker", "--envoy-timeout", "30", EXAMPLES);

    assertThat(run.exitCode()).as(run.out()).isEqualTo(2);
    assertThat(run.out()).contains(": OK, config version ")
        .containsAnyOf("docker not found on PATH", "Cannot connect to the Docker daemon")
        .contains(": no verdict from Envoy container envoyproxy/envoy:v1.34-latest");
  }

  @Test
  void anAcceptingEnvoyExitsZero() throws Exception {
    CliRun run = CliRun.of("validate", "--envoy", ProcessStandIn.accepting(tmp).toString(), EXAMPLES);

    assertThat(run.exitCode()).as(run.out()).isZero();
    assertThat(run.out()).contains(": OK, local Envoy " + tmp.resolve("accepting-envoy")
        + " accepts it (envoy --mode validate)");
  }

  @Test
  void aRejectionExitsOneWithEnvoysMessageAndTheDocumentsItNames() throws Exception {
    Path envoy = ProcessStandIn.rejecting(tmp, "cluster 'provider/openai': Failed to load trusted CA certificates");

    CliRun run = CliRun.of("validate", "--envoy", envoy.toString(), EXAMPLES);

    assertThat(run.exitCode()).as(run.out()).isEqualTo(1);
    assertThat(run.out())
        .contains(EXAMPLES + "/envoy: local Envoy " + envoy + " rejected the config: cluster 'provider/openai': "
            + "Failed to load trusted CA certificates")
        .contains(EXAMPLES + "/envoy: the message names ")
        .contains("Provider/openai")
        .contains(EXAMPLES + ": rejected by local Envoy " + envoy)
        .doesNotContain(Files.readString(PolicyDirs.EXAMPLES.resolve("secrets/openai-api-key")).strip());
  }

  @Test
  void anEnvoyWithoutAVerdictExitsTwo() throws Exception {
    CliRun run = CliRun.of("validate", "--envoy", ProcessStandIn.failing(tmp, 134, "Aborted").toString(), EXAMPLES);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).contains("/envoy: cannot run: local Envoy ").contains("exited 134 without a verdict");
  }

  @Test
  void invalidPoliciesAreNotShownToEnvoy() throws Exception {
    Path record = tmp.resolve("record");
    Path bad = Path.of("src/test/resources/policies/bad/dangling-provider");

    CliRun run = CliRun.of("validate", "--envoy", ProcessStandIn.recording(tmp, record).toString(), bad.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(record).doesNotExist();
  }

  @Test
  void theRenderedBootstrapIsPrintedWithSecretsRedacted() throws Exception {
    CliRun run = CliRun.of("render", "--bootstrap", EXAMPLES);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("static_resources:").contains("route_config:").contains("type: STATIC")
        .contains("<redacted sha256:").doesNotContain("sds_config").doesNotContain("ads: {}")
        .doesNotContain(Files.readString(PolicyDirs.EXAMPLES.resolve("secrets/openai-api-key")).strip());
  }

  @Test
  void secretsAreWrittenOnlyToAnOwnerOnlyFileAndNeverPrinted() throws Exception {
    String secret = Files.readString(PolicyDirs.EXAMPLES.resolve("secrets/openai-api-key")).strip();
    Path file = tmp.resolve("bootstrap.json");

    CliRun printed = CliRun.of("render", "--bootstrap", "--include-secrets", EXAMPLES);
    CliRun written = CliRun.of("render", "--bootstrap", "--include-secrets", "--output", file.toString(), EXAMPLES);

    assertThat(printed.exitCode()).isEqualTo(2);
    assertThat(printed.err()).contains("--include-secrets needs --bootstrap and --output FILE");
    assertThat(printed.out()).doesNotContain(secret);
    assertThat(written.exitCode()).as(written.err()).isZero();
    assertThat(written.out()).doesNotContain(secret).contains("wrote " + file);
    assertThat(Files.readString(file)).contains(secret);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
  }

  private static boolean dockerEngineAnswers() throws Exception {
    try {
      Process info = new ProcessBuilder("docker", "info").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return info.waitFor(20, TimeUnit.SECONDS) && info.exitValue() == 0;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
