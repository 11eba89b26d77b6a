package io.llmxds.cp.envoy;

import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Asks a real Envoy for its verdict on a static bootstrap: writes it (it holds secrets: a 0700 directory, a 0600
 * file, both deleted afterwards), runs {@code envoy --mode validate -c FILE} within a time limit and reads the verdict
 * from the exit status and output (config_validation/server.cc:36-46 and 68-73, main_common.cc:189; row SB2).
 */
public final class EnvoyValidator {
  /** Envoy's marker of a refused config; its own message follows {@code '<file>': }. */
  static final String REFUSAL = "error initializing configuration '";
  private static final String FILE = "bootstrap.json";

  private final EnvoyCommand envoy;
  private final Duration timeout;

  public EnvoyValidator(EnvoyCommand envoy, Duration timeout) {
    this.envoy = envoy;
    this.timeout = timeout;
  }

  public EnvoyCommand envoy() {
    return envoy;
  }

  public EnvoyVerdict validate(Bootstrap bootstrap) {
    var unavailable = envoy.unavailable();
    if (unavailable.isPresent()) {
      return new EnvoyVerdict.CannotRun(unavailable.get());
    }
    SecretScrubber scrubber = SecretScrubber.of(bootstrap);
    Path dir = null;
    try {
      dir = Files.createTempDirectory("llm-xds-envoy-validate-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Path file = dir.resolve(FILE);
      BootstrapFiles.writeOwnerOnly(file, BootstrapFiles.json(bootstrap));
      return run(dir, file, scrubber);
    } catch (IOException | UnsupportedOperationException e) {
      // No POSIX permissions (Windows): the secrets are not written where others could read them.
      return new EnvoyVerdict.CannotRun("cannot write the bootstrap for Envoy owner-only: " + e);
    } finally {
      deleteQuietly(dir);
    }
  }

  private EnvoyVerdict run(Path dir, Path file, SecretScrubber scrubber) throws IOException {
    Path log = dir.resolve("envoy.log");
    Process process;
    try {
      // Output to a file in the private directory: no reader thread, and nothing of it reaches our logs unscrubbed.
      process = new ProcessBuilder(envoy.validate(dir, file)).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      process.getOutputStream().close();
    } catch (IOException e) {
      return new EnvoyVerdict.CannotRun("cannot start " + envoy.description() + ": " + e.getMessage());
    }
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        return new EnvoyVerdict.CannotRun(envoy.description() + " gave no verdict within " + timeout.toSeconds()
            + "s (killed)");
      }
      return verdict(process.exitValue(), scrubber.scrub(Files.readString(log)), file);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      return new EnvoyVerdict.CannotRun("interrupted while " + envoy.description() + " ran");
    }
  }

  private EnvoyVerdict verdict(int exit, String output, Path file) {
    if (exit == 0 && output.contains("' OK")) {
      return new EnvoyVerdict.Accepted(envoy.description());
    }
    int refusal = output.indexOf(REFUSAL);
    if (exit != 0 && refusal >= 0) {
      String rest = output.substring(refusal + REFUSAL.length());
      int afterFile = rest.indexOf("': ");
      String message = afterFile >= 0 ? rest.substring(afterFile + 3) : rest;
      // The message ends where Envoy's next log line starts ("[2026-…][level]…").
      int next = message.indexOf("\n[");
      return new EnvoyVerdict.Rejected(envoy.description(), (next >= 0 ? message.substring(0, next) : message).strip(),
          output);
    }
    return new EnvoyVerdict.CannotRun(envoy.description() + " exited " + exit + " without a verdict on " + FILE
        + (output.isBlank() ? " (no output)" : ": " + lastLines(output)));
  }

  private static String lastLines(String output) {
    String[] lines = output.strip().split("\n");
    return String.join("\n", Arrays.asList(lines).subList(Math.max(0, lines.length - 5), lines.length));
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // A temp directory left behind is the OS's to clean; the file in it is 0600.
    }
  }
}
