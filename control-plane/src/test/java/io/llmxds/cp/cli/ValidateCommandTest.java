package io.llmxds.cp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmxds.cp.testing.PolicyDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ValidateCommandTest {
  private static final Path BAD = Path.of("src/test/resources/policies/bad");

  static Stream<Path> badCases() throws IOException {
    try (Stream<Path> dirs = Files.list(BAD)) {
      return dirs.filter(Files::isDirectory).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("badCases")
  void everyBadCasePrintsItsReasonsAndExitsOne(Path dir) throws IOException {
    CliRun run = CliRun.of("validate", dir.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    List<String> expected = Files.readAllLines(dir.resolve("expected.txt")).stream()
        .filter(line -> !line.isBlank())
        .map(line -> dir + "/" + line)
        .toList();
    assertThat(run.out().lines().toList())
        .containsSubsequence(expected)
        .endsWith(dir + ": " + expected.size() + " error(s)");
  }

  @Test
  void theExamplesAreValid() {
    CliRun run = CliRun.of("validate", PolicyDirs.EXAMPLES.toString());

    assertThat(run.exitCode()).as(run.out()).isZero();
    assertThat(run.out()).contains(": OK, config version ").contains("4 providers, 2 model routes")
        .contains("anonymous: no consumers");
  }

  @Test
  void oneBadDirectoryAmongGoodOnesFailsTheRun() {
    CliRun run = CliRun.of("validate", PolicyDirs.EXAMPLES.toString(), BAD.resolve("dangling-provider").toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains(": OK, config version ").contains("1 error(s)");
  }
}
