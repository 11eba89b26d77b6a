package io.llmxds.cp.envoy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How to run {@code envoy --mode validate} on a bootstrap file: a local binary, or the Envoy image under Docker the
 * way the e2e harness runs it. Parsed from the CLI's {@code --envoy PATH|docker|docker:IMAGE}.
 */
public sealed interface EnvoyCommand {

  /** The image the e2e harness runs (envoy module, ContainerEnvoy): the Envoy API java-control-plane 1.0.49 speaks. */
  String DEFAULT_IMAGE = "envoyproxy/envoy:v1.34-latest";

  /** Why this Envoy cannot run here (not found, not executable, no docker), or empty when it can be tried. */
  Optional<String> unavailable();

  /** The command line that validates {@code file}, a file directly in {@code dir}. */
  List<String> validate(Path dir, Path file);

  /** One line for reports: which Envoy judged. */
  String description();

  static EnvoyCommand parse(String spec) {
    if (spec.equals("docker")) {
      return new Docker(DEFAULT_IMAGE);
    }
    if (spec.startsWith("docker:")) {
      return new Docker(spec.substring("docker:".length()));
    }
    return new Local(Path.of(spec));
  }

  /** An Envoy binary on this host. */
  record Local(Path binary) implements EnvoyCommand {
    @Override
    public Optional<String> unavailable() {
      if (!Files.exists(binary)) {
        return Optional.of("Envoy not found: " + binary + " does not exist");
      }
      if (!Files.isRegularFile(binary)) {
        return Optional.of("Envoy not found: " + binary + " is not a regular file");
      }
      if (!Files.isExecutable(binary)) {
        return Optional.of("Envoy not executable: " + binary);
      }
      return Optional.empty();
    }

    @Override
    public List<String> validate(Path dir, Path file) {
      return List.of(binary.toString(), "--mode", "validate", "-c", file.toString());
    }

    @Override
    public String description() {
      return "local Envoy " + binary;
    }
  }

  /**
   * The Envoy image, the bootstrap's directory mounted read-only. It runs as the file's owner ({@code --user}): the
   * image's entrypoint otherwise drops to its own {@code envoy} user (ci/docker-entrypoint.sh:20-30, row SB6), who
   * could not read the 0600 file.
   */
  record Docker(String image) implements EnvoyCommand {
    static final String MOUNT = "/cfg";

    @Override
    public Optional<String> unavailable() {
      if (image.isBlank()) {
        return Optional.of("no Docker image named (--envoy docker:IMAGE)");
      }
      return dockerOnPath().isPresent() ? Optional.empty()
          : Optional.of("docker not found on PATH (" + System.getenv().getOrDefault("PATH", "") + ")");
    }

    @Override
    public List<String> validate(Path dir, Path file) {
      String user = owner(file);
      return List.of(dockerOnPath().map(Path::toString).orElse("docker"), "run", "--rm",
          "--user", user, "-v", dir.toAbsolutePath() + ":" + MOUNT + ":ro", image,
          "--mode", "validate", "-c", MOUNT + "/" + file.getFileName());
    }

    @Override
    public String description() {
      return "Envoy container " + image;
    }

    private static String owner(Path file) {
      try {
        return Files.getAttribute(file, "unix:uid") + ":" + Files.getAttribute(file, "unix:gid");
      } catch (Exception e) {
        // Not a Unix file system (Docker Desktop maps file ownership itself).
        return "0:0";
      }
    }

    private static Optional<Path> dockerOnPath() {
      return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
          .filter(d -> !d.isBlank())
          .map(d -> Path.of(d, "docker"))
          .filter(Files::isExecutable)
          .findFirst();
    }
  }
}
