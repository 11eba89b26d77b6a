package io.llmxds.filters.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Human units on the command line: durations ({@code 24h}, {@code 30m}, {@code 90s}) and sizes ({@code 8Mi}). */
public final class Units {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)(Ki|Mi|Gi)?");

  private Units() {}

  public static Duration duration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a duration (e.g. 24h, 30m, 90s, 500ms): " + text);
    }
    long n = Long.parseLong(m.group(1));
    switch (m.group(2)) {
      case "ms":
        return Duration.ofMillis(n);
      case "s":
        return Duration.ofSeconds(n);
      case "m":
        return Duration.ofMinutes(n);
      case "h":
        return Duration.ofHours(n);
      default:
        return Duration.ofDays(n);
    }
  }

  /** Bytes: a number, or a number with a binary suffix ({@code Ki}, {@code Mi}, {@code Gi}). */
  static long bytes(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a size (e.g. 8Mi, 512Ki, 1048576): " + text);
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
    switch (unit) {
      case "ki":
        return n << 10;
      case "mi":
        return n << 20;
      case "gi":
        return n << 30;
      default:
        return n;
    }
  }
}
