package io.llmxds.cp.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each directory under {@code policies/bad/} is a small policy with one thing broken, and {@code expected.txt} holds
 * exactly the lines the loader must report for it.
 */
class BadPoliciesTest {

  static Stream<String> cases() throws IOException {
    try (Stream<Path> dirs = Files.list(TestPolicies.BAD_CASES)) {
      return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reportsExactlyTheExpectedErrors(String name) throws IOException {
    Path dir = TestPolicies.BAD_CASES.resolve(name);
    List<String> expected = Files.readAllLines(dir.resolve("expected.txt"));
    assertThat(TestPolicies.rejected(dir)).containsExactlyElementsOf(expected);
  }

  @Test
  void thereAreEnoughCases() throws IOException {
    assertThat(cases()).hasSizeGreaterThanOrEqualTo(24);
  }
}
