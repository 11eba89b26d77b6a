package io.llmxds.examples.local;

import static io.llmxds.examples.local.Lookups.never;
import static io.llmxds.examples.local.Lookups.offering;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which Envoy the local stack runs, decided from what the machine offers (a lookup the test controls). */
class EnvoyPlanTest {
  @TempDir
  Path tmp;
  private Path bootstrap;

  @BeforeEach
  void bootstrap() throws IOException {
    bootstrap = Files.writeString(tmp.resolve("bootstrap.yaml"), "# stand-in\n");
  }

  private String dockerRun() {
    return "docker run --rm --name llm-xds-envoy --network host -v " + bootstrap
        + ":/etc/envoy/envoy.yaml:ro envoyproxy/envoy:v1.34-latest";
  }

  @Test
  void aLocalBinaryWinsOverDocker() {
    Path envoy = Path.of("/opt/envoy/bin/envoy");

    EnvoyPlan plan = EnvoyPlan.choose(EnvoyMode.AUTO, bootstrap, offering(Optional.of(envoy), true));

    assertThat(plan).isEqualTo(new EnvoyPlan.Run("local binary /opt/envoy/bin/envoy",
        List.of("/opt/envoy/bin/envoy", "-c", bootstrap.toString(), "--service-node", "envoy-local-1"), List.of()));
  }

  @Test
  void withoutABinaryDockerRunsEnvoyOnTheHostNetworkAndIsStoppedByName() {
    EnvoyPlan plan = EnvoyPlan.choose(EnvoyMode.AUTO, bootstrap, offering(Optional.empty(), true));

    EnvoyPlan.Run run = (EnvoyPlan.Run) plan;
    assertThat(Banner.shell(run.command())).isEqualTo(dockerRun());
    assertThat(run.stop()).containsExactly("docker", "stop", "llm-xds-envoy");
  }

  @Test
  void withNeitherItPrintsBothCommands() {
    EnvoyPlan plan = EnvoyPlan.choose(EnvoyMode.AUTO, bootstrap, offering(Optional.empty(), false));

    EnvoyPlan.NotStarted none = (EnvoyPlan.NotStarted) plan;
    assertThat(none.reason()).isEqualTo("no envoy binary ($ENVOY_BIN or envoy on $PATH) and no running Docker engine");
    assertThat(none.commands()).extracting(Banner::shell)
        .containsExactly("envoy -c " + bootstrap + " --service-node envoy-local-1", dockerRun());
  }

  @Test
  void offDoesNotLookAndStillSaysHowToAttachOne() {
    EnvoyPlan.NotStarted none = (EnvoyPlan.NotStarted) EnvoyPlan.choose(EnvoyMode.OFF, bootstrap, never());

    assertThat(none.reason()).isEqualTo("--envoy off");
    assertThat(none.commands()).hasSize(2);
  }

  @Test
  void aMissingBootstrapIsNamed() {
    Path missing = tmp.resolve("envoy").resolve("bootstrap.yaml");

    EnvoyPlan plan = EnvoyPlan.choose(EnvoyMode.AUTO, missing, offering(Optional.of(Path.of("envoy")), true));

    assertThat(plan).isEqualTo(new EnvoyPlan.NotStarted("the Envoy bootstrap " + missing + " does not exist (it is "
        + "envoy/bootstrap.yaml of this repository; run from its root or pass --envoy-bootstrap)", List.of()));
  }

  @Test
  void aPathWithSpacesIsQuotedForTheShell() {
    assertThat(Banner.shell(List.of("envoy", "-c", "/home/a b/it's.yaml")))
        .isEqualTo("envoy -c '/home/a b/it'\\''s.yaml'");
  }

  @Test
  void theSystemLookupTakesEnvoyBinFirstThenThePath() throws IOException {
    Path explicit = executable(tmp.resolve("custom-envoy"));
    Path onPath = executable(Files.createDirectory(tmp.resolve("bin")).resolve("envoy"));
    Path notExecutable = Files.writeString(tmp.resolve("plain"), "");
    String path = tmp.resolve("nothing-here") + ":" + onPath.getParent();

    assertThat(EnvoyLookup.system(Map.of("ENVOY_BIN", explicit.toString(), "PATH", path)).binary())
        .contains(explicit);
    assertThat(EnvoyLookup.system(Map.of("PATH", path)).binary()).contains(onPath);
    assertThat(EnvoyLookup.system(Map.of("ENVOY_BIN", notExecutable.toString(), "PATH", path)).binary()).isEmpty();
    assertThat(EnvoyLookup.system(Map.of("PATH", tmp.resolve("nothing-here").toString())).binary()).isEmpty();
  }

  private static Path executable(Path file) throws IOException {
    Files.writeString(file, "#!/bin/sh\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }
}
