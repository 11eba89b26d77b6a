package io.llmxds.cp.policy;

import static org.assertj.core.api.Assertions.fail;

import io.llmxds.cp.testing.PolicyDirs;
import java.nio.file.Path;
import java.util.List;

/** Policy directories for tests, and loading them with a readable failure when the outcome is the wrong one. */
final class TestPolicies {

  /** The repository's examples; Maven runs tests in the module directory. */
  static final Path EXAMPLES = PolicyDirs.EXAMPLES;
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
}
