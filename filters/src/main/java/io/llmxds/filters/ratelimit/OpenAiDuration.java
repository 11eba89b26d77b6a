package io.llmxds.filters.ratelimit;

import java.time.Duration;

/**
 * OpenAI's duration format in {@code x-ratelimit-reset-*} headers (Go's: {@code 20ms}, {@code 1s}, {@code 6m0s},
 * {@code 1h0m0s}); whole seconds, rounded up, from a second on.
 */
final class OpenAiDuration {
  private OpenAiDuration() {}

  static String format(Duration duration) {
    long millis = Math.max(0, duration.toMillis());
    if (millis < 1000) {
      return millis + "ms";
    }
    long seconds = ceilSeconds(duration);
    long h = seconds / 3600;
    long m = seconds % 3600 / 60;
    long s = seconds % 60;
    return h > 0 ? h + "h" + m + "m" + s + "s" : m > 0 ? m + "m" + s + "s" : s + "s";
  }

  /** Whole seconds, rounded up, at least 1: what {@code retry-after} says. */
  static long ceilSeconds(Duration duration) {
    return Math.max(1, (Math.max(0, duration.toMillis()) + 999) / 1000);
  }
}
