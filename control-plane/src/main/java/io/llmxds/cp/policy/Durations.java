package io.llmxds.cp.policy;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go-style durations with integer components ({@code 250ms}, {@code 30s}, {@code 1h30m}), as Envoy users write them. */
final class Durations {

  private static final Pattern COMPONENT = Pattern.compile("(\\d{1,12})(ms|h|m|s)");

  private Durations() {}

  /** Parses a duration; a leading {@code -} gives a negative one, for callers to reject with their own reason. */
  static Duration parse(String text) throws InvalidValue {
    boolean negative = text.startsWith("-");
    String body = negative ? text.substring(1) : text;
    if (body.chars().allMatch(Character::isDigit) && !body.isEmpty()) {
      throw new InvalidValue("duration needs a unit, e.g. " + body + "s");
    }
    Matcher matcher = COMPONENT.matcher(body);
    Duration total = Duration.ZERO;
    int end = 0;
    while (matcher.find() && matcher.start() == end) {
      total = total.plus(component(Long.parseLong(matcher.group(1)), matcher.group(2)));
      end = matcher.end();
    }
    if (body.isEmpty() || end != body.length()) {
      throw new InvalidValue("expected a duration like 250ms, 30s, 5m or 1h30m, got \"" + text + "\"");
    }
    return negative ? total.negated() : total;
  }

  private static Duration component(long amount, String unit) {
    return switch (unit) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      default -> Duration.ofHours(amount);
    };
  }

  /** The shortest exact form in this syntax: {@code 90s} stays {@code 90s}, {@code 1500ms} stays {@code 1500ms}. */
  static String format(Duration duration) {
    return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
  }

  /** What a duration field accepts. */
  enum Rule {
    NON_NEGATIVE,
    POSITIVE,
    /** A rate-limit period: Envoy's token bucket allows 50ms, but sub-second periods are bursts, not limits. */
    AT_LEAST_ONE_SECOND;

    Duration check(Duration duration) throws InvalidValue {
      if (duration.isNegative()) {
        throw new InvalidValue(this == NON_NEGATIVE ? "must not be negative" : "must be positive");
      }
      if (this == POSITIVE && duration.isZero()) {
        throw new InvalidValue("must be positive");
      }
      if (this == AT_LEAST_ONE_SECOND && duration.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new InvalidValue("must be at least 1s (got " + format(duration) + ")");
      }
      return duration;
    }
  }
}
