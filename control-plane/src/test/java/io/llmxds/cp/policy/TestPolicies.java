package io.llmxds.cp.policy;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Policy directories for tests, and loading them with a readable failure when the outcome is the wrong one. */
final class TestPolicies {

  /** The repository's examples; Maven runs tests in the module directory. */
  static final Path EXAMPLES = Path.of("../examples/policies");
  static final Path MINIMAL = Path.of("src/test/resources/policies/good/minimal");
  static final Path BAD_CASES = Path.of("src/test/resources/policies/bad");

  private TestPolicies() {}

  static LoadResult.Loaded loaded(Path dir) {
    LoadResult result = PolicyLoader.load(dir);
    if (result instanceof LoadResult.Rejected rejected) {
      fail("expected %s to load, got:%n%s", dir, String.join("\n", formatted(rejected)));
    }
    return (LoadResult.Loaded) result;
  }

  static List<String> rejected(Path dir) {
    LoadResult result = PolicyLoader.load(dir);
    if (result instanceof LoadResult.Loaded) {
      fail("expected %s to be rejected, but it loaded", dir);
    }
    return formatted((LoadResult.Rejected) result);
  }

  private static List<String> formatted(LoadResult.Rejected rejected) {
    return rejected.errors().stream().map(PolicyError::format).toList();
  }

  /** Copies a directory tree (regular files and directories only). */
  static Path copy(Path from, Path to) {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path source : paths.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
      return to;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void replace(Path file, String from, String to) {
    try {
      String text = Files.readString(file);
      if (!text.contains(from)) {
        fail("%s does not contain %s", file, from);
      }
      Files.writeString(file, text.replace(from, to));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
