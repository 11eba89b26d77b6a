package io.llmxds.examples.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How the local stack gets its Envoy: a local binary as a child process, a Docker container on the host network,
 * or not at all — then with the exact commands that attach one by hand.
 */
public sealed interface EnvoyPlan {
  String NODE_ID = "envoy-local-1";
  String CONTAINER = "llm-xds-envoy";
  String IMAGE = "envoyproxy/envoy:v1.34-latest";

  /** Run {@code command}; {@code stop} (possibly empty) is run too when the stack stops. */
  record Run(String how, List<String> command, List<String> stop) implements EnvoyPlan {}

  /** Envoy is not started, for {@code reason}; {@code commands} would start one (empty when none can). */
  record NotStarted(String reason, List<List<String>> commands) implements EnvoyPlan {}

  static EnvoyPlan choose(EnvoyMode mode, Path bootstrap, EnvoyLookup lookup) {
    Path file = bootstrap.toAbsolutePath().normalize();
    if (mode == EnvoyMode.OFF) {
      return new NotStarted("--envoy off", List.of(localCommand(Path.of("envoy"), file), dockerCommand(file)));
    }
    if (!Files.isRegularFile(file)) {
      return new NotStarted("the Envoy bootstrap " + file + " does not exist (it is envoy/bootstrap.yaml of this "
          + "repository; run from its root or pass --envoy-bootstrap)", List.of());
    }
    var binary = lookup.binary();
    if (binary.isPresent()) {
      return new Run("local binary " + binary.get(), localCommand(binary.get(), file), List.of());
    }
    if (lookup.dockerRuns()) {
      return new Run("Docker (" + IMAGE + ")", dockerCommand(file), List.of("docker", "stop", CONTAINER));
    }
    return new NotStarted("no envoy binary ($ENVOY_BIN or envoy on $PATH) and no running Docker engine",
        List.of(localCommand(Path.of("envoy"), file), dockerCommand(file)));
  }

  private static List<String> localCommand(Path binary, Path bootstrap) {
    return List.of(binary.toString(), "-c", bootstrap.toString(), "--service-node", NODE_ID);
  }

  private static List<String> dockerCommand(Path bootstrap) {
    return List.of("docker", "run", "--rm", "--name", CONTAINER, "--network", "host", "-v",
        bootstrap + ":/etc/envoy/envoy.yaml:ro", IMAGE);
  }
}
