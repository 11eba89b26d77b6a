package io.llmxds.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Where a benchmark hands its headline figures to {@code bin/bench-all}: one tab-separated line per figure, appended
 * to the file named by {@code -Dbench.figures} (nothing is written without it). {@link SummaryTable} prints them.
 */
public final class Figures {
  /** No baseline or no target: the value printed as "—". */
  public static final double NONE = Double.NaN;

  private Figures() {}

  /**
   * @param baselineName what the baseline is (measured in the same run), or "" when there is none
   * @param targetMax the value at or under which the target is met, or {@link #NONE}
   */
  public static void record(String figure, double value, String unit, String baselineName, double baseline,
      double targetMax) {
    String file = System.getProperty("bench.figures");
    if (file == null) {
      return;
    }
    String line = String.join("\t", figure, number(value), unit, baselineName, number(baseline), number(targetMax));
    try {
      Files.writeString(Path.of(file), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String number(double value) {
    return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.4f", value);
  }
}
