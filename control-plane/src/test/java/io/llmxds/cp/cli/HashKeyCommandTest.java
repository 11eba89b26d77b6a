package io.llmxds.cp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code llm-xds hash-key}: a key on stdin in, a stored hash out that a Consumer's key file can hold. */
class HashKeyCommandTest {

  private static final String KEY = "sk-hash-me-Ry77";
  private final InputStream stdin = System.in;

  @TempDir Path tmp;

  @AfterEach
  void restoreStdin() {
    System.setIn(stdin);
  }

  @Test
  void printsASaltedHashThatAConsumerKeyFileAccepts() throws Exception {
    CliRun run = withStdin(KEY + "\n", "hash-key");
    assertThat(run.exitCode()).isZero();
    String hash = run.out().strip();
    assertThat(hash).matches("sha256\\$[0-9a-f]{32}\\$[0-9a-f]{64}").doesNotContain(KEY);
    assertThat(withStdin(KEY, "hash-key").out().strip()).as("a fresh salt each run").isNotEqualTo(hash);

    Path dir = Files.createDirectories(tmp.resolve("policies"));
    io.llmxds.cp.testing.PolicyDirs.copy(Path.of("src/test/resources/golden/in/consumers"), dir);
    Files.writeString(dir.resolve("keys/carol-2026.hash"), hash + "\n");
    CliRun validate = CliRun.of("validate", dir.toString());
    assertThat(validate.exitCode()).as(validate.out()).isZero();
    assertThat(validate.out()).contains(", 3 consumers)");
  }

  @Test
  void refusesNoKeyOrAKeyWithSpacesWithoutEchoingIt() {
    CliRun empty = withStdin("\n", "hash-key");
    assertThat(empty.exitCode()).isEqualTo(1);
    assertThat(empty.err()).contains("the key on stdin is empty");
    CliRun spaced = withStdin("sk two words\n", "hash-key");
    assertThat(spaced.exitCode()).isEqualTo(1);
    assertThat(spaced.err()).contains("holds whitespace").doesNotContain("two words");
    assertThat(spaced.out()).isEmpty();
  }

  private static CliRun withStdin(String input, String... args) {
    System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
    return CliRun.of(args);
  }
}
