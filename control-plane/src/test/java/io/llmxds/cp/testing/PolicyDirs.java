package io.llmxds.cp.testing;

import static org.assertj.core.api.Assertions.fail;

import io.llmxds.cp.publish.TypeVersions;
import io.llmxds.cp.reload.PolicyCompiler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/** Policy directories for tests: copies of the repository's examples that a test may edit like a user would. */
public final class PolicyDirs {
  /** The repository's example policies (Maven runs tests with the module directory as working directory). */
  public static final Path EXAMPLES = Path.of("..", "examples", "policies").toAbsolutePath().normalize();

  private PolicyDirs() {}

  /** Copies the example policies (with their secrets/ folder) into {@code target}. */
  public static Path copyExamples(Path target) {
    return copy(EXAMPLES, target);
  }

  /** Copies a directory tree (regular files and directories only). */
  public static Path copy(Path from, Path to) {
    return copy(from, to, UnaryOperator.identity());
  }

  /**
   * Copies a directory tree of text files (policies and secrets are text), each file's content passed through
   * {@code edit}; files already in {@code to} are replaced, the way saving over them would.
   */
  public static Path copy(Path from, Path to, UnaryOperator<String> edit) {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path source : paths.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.writeString(target, edit.apply(Files.readString(source)));
        }
      }
      return to;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the control plane would publish for {@code dir}: it must be valid. */
  public static PolicyCompiler.Compiled compiled(Path dir) {
    PolicyCompiler.Result result = PolicyCompiler.compile(dir);
    if (result instanceof PolicyCompiler.Failed failed) {
      fail("%s does not compile:%n%s", dir, String.join("\n", failed.errors()));
    }
    return (PolicyCompiler.Compiled) result;
  }

  /** The per-type versions the control plane would serve for {@code dir}. */
  public static Map<String, String> typeVersionsOf(Path dir) {
    return TypeVersions.of(compiled(dir).resources());
  }

  /** Replaces every occurrence of {@code from} in a file, the way an editor would save it. */
  public static void edit(Path file, String from, String to) {
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
