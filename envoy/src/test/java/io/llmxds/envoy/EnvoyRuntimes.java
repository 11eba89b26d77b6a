package io.llmxds.envoy;

import io.llmxds.cp.envoy.EnvoyCommand;
import java.nio.file.Path;
import java.util.Optional;
import org.testcontainers.DockerClientFactory;

/**
 * Which Envoy the tests can run, decided once per JVM: {@code ENVOY_BIN} (a local binary) when set, else a Docker
 * engine through Testcontainers, else none — with the reason the tests are skipped.
 */
final class EnvoyRuntimes {

  /** The runtime, or why there is none. */
  record Detection(Optional<EnvoyRuntime> runtime, String reason) {}

  private static Detection detected;

  private EnvoyRuntimes() {}

  static synchronized Detection detect() {
    if (detected == null) {
      detected = detect(System.getenv("ENVOY_BIN"));
    }
    return detected;
  }

  static Detection detect(String envoyBin) {
    if (envoyBin != null && !envoyBin.isBlank()) {
      // The same test `validate --envoy PATH` runs on its binary.
      EnvoyCommand.Local binary = new EnvoyCommand.Local(Path.of(envoyBin));
      Optional<String> unavailable = binary.unavailable();
      if (unavailable.isPresent()) {
        return new Detection(Optional.empty(), "ENVOY_BIN=" + envoyBin + ": " + unavailable.get());
      }
      LocalEnvoy local = new LocalEnvoy(binary.binary());
      return new Detection(Optional.of(local), local.description());
    }
    try {
      DockerClientFactory.instance().client();
      ContainerEnvoy container = new ContainerEnvoy();
      return new Detection(Optional.of(container), container.description());
    } catch (RuntimeException e) {
      return new Detection(Optional.empty(), "no Envoy: set ENVOY_BIN=/path/to/envoy or start a Docker engine "
          + "(Testcontainers: " + e.getMessage() + ")");
    }
  }
}
