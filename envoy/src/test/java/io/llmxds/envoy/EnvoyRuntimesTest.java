package io.llmxds.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which Envoy the end-to-end tests get, and the reason they are skipped when there is none. */
class EnvoyRuntimesTest {

  @TempDir
  Path tmp;

  @Test
  void anEnvoyBinThatDoesNotExistIsTheReasonToSkip() {
    EnvoyRuntimes.Detection detection = EnvoyRuntimes.detect(tmp.resolve("missing/envoy").toString());

    assertThat(detection.runtime()).isEmpty();
    assertThat(detection.reason()).isEqualTo("ENVOY_BIN=" + tmp.resolve("missing/envoy") + ": Envoy not found: "
        + tmp.resolve("missing/envoy") + " does not exist");
  }

  @Test
  void anExecutableEnvoyBinIsRunAsALocalProcess() throws Exception {
    Path binary = Files.createFile(tmp.resolve("envoy"));
    binary.toFile().setExecutable(true);

    EnvoyRuntimes.Detection detection = EnvoyRuntimes.detect(binary.toString());

    assertThat(detection.runtime()).containsInstanceOf(LocalEnvoy.class);
    assertThat(detection.reason()).isEqualTo("local Envoy " + binary);
  }

  @Test
  void withoutEnvoyBinADockerEngineIsAskedForAndItsAbsenceExplained() {
    EnvoyRuntimes.Detection detection = EnvoyRuntimes.detect(null);

    if (detection.runtime().isPresent()) {
      assertThat(detection.runtime().get()).isInstanceOf(ContainerEnvoy.class);
    } else {
      assertThat(detection.reason())
          .startsWith("no Envoy: set ENVOY_BIN=/path/to/envoy or start a Docker engine (Testcontainers: ");
    }
  }
}
