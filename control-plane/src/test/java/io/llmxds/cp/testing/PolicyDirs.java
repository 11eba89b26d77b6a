package io.llmxds.cp.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Test policy directories: copies of the repository's example policies that a test may edit. */
public final class PolicyDirs {
  /** The repository's example policies (Maven runs tests with the module directory as working directory). */
  public static final Path EXAMPLES = Path.of("..", "examples", "policies").toAbsolutePath().normalize();

  private PolicyDirs() {}

  /** Copies the example policies (with their secrets/ folder) into {@code target}. */
  public static Path copyExamples(Path target) {
    try (Stream<Path> files = Files.walk(EXAMPLES)) {
      for (Path source : files.toList()) {
        Path dest = target.resolve(EXAMPLES.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(source, dest);
        }
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces the first occurrence of {@code from} in a policy file, the way an editor would save it. */
  public static void edit(Path file, String from, String to) {
    try {
      String text = Files.readString(file);
      if (!text.contains(from)) {
        throw new IllegalArgumentException(file + " does not contain " + from);
      }
      Files.writeString(file, text.replaceFirst(java.util.regex.Pattern.quote(from),
          java.util.regex.Matcher.quoteReplacement(to)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
