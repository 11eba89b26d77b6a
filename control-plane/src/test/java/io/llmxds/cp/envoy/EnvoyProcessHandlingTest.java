package io.llmxds.cp.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.llmxds.cp.reload.PolicyCompiler;
import io.llmxds.cp.testing.PolicyDirs;
import io.llmxds.cp.translate.StaticBootstrap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@link EnvoyValidator} runs a process and reads its verdict, with {@link ProcessStandIn} scripts in Envoy's
 * place: exit-status and output mapping, the time limit, the file's mode and deletion, secrets scrubbed from what is
 * shown. Not evidence of Envoy's behaviour (the envoy module's EnvoyValidateTest asks a real Envoy).
 */
class EnvoyProcessHandlingTest {
  private static final Duration PATIENT = Duration.ofSeconds(30);

  @TempDir
  Path tmp;

  private static Bootstrap examples() {
    return StaticBootstrap.render(((PolicyCompiler.Compiled) PolicyCompiler.compile(PolicyDirs.EXAMPLES)).resources());
  }

  private static String exampleSecret() throws Exception {
    return Files.readString(PolicyDirs.EXAMPLES.resolve("secrets/openai-api-key")).strip();
  }

  @Test
  void anOkLineAndExitZeroIsAccepted() throws Exception {
    EnvoyVerdict verdict = new EnvoyValidator(new EnvoyCommand.Local(ProcessStandIn.accepting(tmp)), PATIENT)
        .validate(examples());

    assertThat(verdict).isInstanceOf(EnvoyVerdict.Accepted.class);
  }

  @Test
  void aRefusalGivesEnvoysMessageToItsEndAndNoSecretOfTheBootstrap() throws Exception {
    EnvoyVerdict verdict = new EnvoyValidator(new EnvoyCommand.Local(
        ProcessStandIn.rejecting(tmp, "Unknown static secret: provider/openai/credential:")), PATIENT)
        .validate(examples());

    assertThat(verdict).isInstanceOf(EnvoyVerdict.Rejected.class);
    EnvoyVerdict.Rejected rejected = (EnvoyVerdict.Rejected) verdict;
    assertThat(rejected.message()).startsWith("Unknown static secret: provider/openai/credential: {")
        .doesNotContain("exiting").contains("<redacted sha256:");
    assertThat(rejected.output()).contains("loading 2 cluster(s)").contains("exiting");
    assertThat(rejected.message() + rejected.output()).doesNotContain(exampleSecret());
  }

  @Test
  void theBootstrapIsOwnerOnlyWhileEnvoyReadsItAndGoneAfterwards() throws Exception {
    Path record = tmp.resolve("record");
    new EnvoyValidator(new EnvoyCommand.Local(ProcessStandIn.recording(tmp, record)), PATIENT).validate(examples());

    String[] modeAndPath = Files.readString(record).strip().split(" ", 2);
    assertThat(modeAndPath[0]).isEqualTo("600");
    assertThat(Path.of(modeAndPath[1])).doesNotExist();
    assertThat(Path.of(modeAndPath[1]).getParent()).doesNotExist();
  }

  @Test
  void anExitWithoutAVerdictCannotRunAndSaysWhatItPrinted() throws Exception {
    EnvoyVerdict verdict = new EnvoyValidator(new EnvoyCommand.Local(
        ProcessStandIn.failing(tmp, 3, "unknown flag --mode")), PATIENT).validate(examples());

    assertThat(verdict).isInstanceOf(EnvoyVerdict.CannotRun.class);
    assertThat(((EnvoyVerdict.CannotRun) verdict).reason())
        .contains("exited 3 without a verdict").contains("unknown flag --mode");
  }

  @Test
  void aProcessThatDoesNotAnswerInTimeIsKilledAndSaysSo() throws Exception {
    long start = System.nanoTime();
    EnvoyVerdict verdict = new EnvoyValidator(new EnvoyCommand.Local(ProcessStandIn.hanging(tmp)),
        Duration.ofSeconds(1)).validate(examples());

    assertThat(verdict).isInstanceOf(EnvoyVerdict.CannotRun.class);
    assertThat(((EnvoyVerdict.CannotRun) verdict).reason()).endsWith("gave no verdict within 1s (killed)");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void aMissingOrNonExecutableEnvoyCannotRunWithTheReason() throws Exception {
    Path missing = tmp.resolve("nonexistent/envoy");
    Path plain = Files.writeString(tmp.resolve("envoy"), "not a program");

    assertThat(new EnvoyValidator(new EnvoyCommand.Local(missing), PATIENT).validate(examples()))
        .isEqualTo(new EnvoyVerdict.CannotRun("Envoy not found: " + missing + " does not exist"));
    assertThat(new EnvoyValidator(new EnvoyCommand.Local(plain), PATIENT).validate(examples()))
        .isEqualTo(new EnvoyVerdict.CannotRun("Envoy not executable: " + plain));
    assertThat(new EnvoyCommand.Local(tmp).unavailable())
        .contains("Envoy not found: " + tmp + " is not a regular file");
  }

  @Test
  void dockerRunsTheImageOnTheReadOnlyDirectoryAsTheFilesOwner() throws Exception {
    Path file = Files.writeString(tmp.resolve("bootstrap.json"), "{}");
    Object uid = Files.getAttribute(file, "unix:uid");
    Object gid = Files.getAttribute(file, "unix:gid");

    assertThat(EnvoyCommand.parse("docker")).isEqualTo(new EnvoyCommand.Docker(EnvoyCommand.DEFAULT_IMAGE));
    assertThat(EnvoyCommand.parse("docker:envoyproxy/envoy:v1.35-latest"))
        .isEqualTo(new EnvoyCommand.Docker("envoyproxy/envoy:v1.35-latest"));
    assertThat(new EnvoyCommand.Docker("img").validate(tmp, file)).endsWith("run", "--rm", "--user", uid + ":" + gid,
        "-v", tmp.toAbsolutePath() + ":/cfg:ro", "img", "--mode", "validate", "-c", "/cfg/bootstrap.json");
  }
}
