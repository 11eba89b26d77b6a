package io.llmxds.cp.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which files of a policy directory are policies: {@code *.yaml} and {@code *.yml} directly in it, symlinks
 * followed, hidden names skipped. Editor leftovers ({@code x.yaml~}, {@code .x.yaml.swp}, {@code #x.yaml#},
 * {@code x.yaml.bak}) do not end in a YAML suffix or are hidden; Kubernetes ConfigMap internals ({@code ..data},
 * {@code ..2026_11_27_...}) are hidden, while the symlinks a ConfigMap mount shows at the top level are read.
 */
final class PolicyFiles {

  private PolicyFiles() {}

  static boolean isPolicyFileName(String name) {
    return !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml"));
  }

  /** The policy files, sorted by name so that every load reads them in the same order. */
  static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .filter(p -> isPolicyFileName(p.getFileName().toString()))
          .filter(p -> !Files.isDirectory(p))
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .toList();
    }
  }
}
