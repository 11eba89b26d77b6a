package io.llmxds.examples.local;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** What this machine offers to run Envoy with. Injected, so that the choice can be tested without either. */
public interface EnvoyLookup {

  /** An executable Envoy binary. */
  Optional<Path> binary();

  /** True when a Docker engine answers. */
  boolean dockerRuns();

  /** {@code $ENVOY_BIN}, else {@code envoy} on {@code $PATH}; Docker when {@code docker info} exits 0. */
  static EnvoyLookup system() {
    return system(System.getenv());
  }

  static EnvoyLookup system(Map<String, String> env) {
    return new EnvoyLookup() {
      @Override
      public Optional<Path> binary() {
        String explicit = env.get("ENVOY_BIN");
        if (explicit != null && !explicit.isBlank()) {
          return Optional.of(Path.of(explicit)).filter(Files::isExecutable);
        }
        return Arrays.stream(env.getOrDefault("PATH", "").split(File.pathSeparator))
            .filter(dir -> !dir.isEmpty())
            .map(dir -> Path.of(dir, "envoy"))
            .filter(Files::isExecutable)
            .findFirst();
      }

      @Override
      public boolean dockerRuns() {
        try {
          Process info = new ProcessBuilder("docker", "info")
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
          // A daemon that does not answer would hang the start: give it a few seconds.
          if (!info.waitFor(10, TimeUnit.SECONDS)) {
            info.destroyForcibly();
            return false;
          }
          return info.exitValue() == 0;
        } catch (IOException e) {
          return false; // no docker CLI
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    };
  }
}
