package io.llmxds.filters.ratelimit;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * A rule's counting window: fixed windows of some seconds aligned to the epoch, or a UTC calendar day or month.
 * Every service replica computes the same window from its clock, so replicas share the counter of a window (their
 * clocks must agree to well under a window: NTP).
 */
public sealed interface Window {

  /** How a counter's key names the window kind ({@code 60s}, {@code day}, {@code month}). */
  String id();

  /** The window {@code now} is in, as a number unique among this kind's windows. */
  long index(Instant now);

  /** When the window {@code now} is in ends (the next begins). */
  Instant end(Instant now);

  /** {@code seconds}-long windows starting at multiples of {@code seconds} since the epoch. */
  record Fixed(long seconds) implements Window {
    @Override
    public String id() {
      return seconds + "s";
    }

    @Override
    public long index(Instant now) {
      return Math.floorDiv(now.getEpochSecond(), seconds);
    }

    @Override
    public Instant end(Instant now) {
      return Instant.ofEpochSecond((index(now) + 1) * seconds);
    }
  }

  /** A UTC calendar day or month (budgets). */
  enum Calendar implements Window {
    DAY, MONTH;

    @Override
    public String id() {
      return this == DAY ? "day" : "month";
    }

    @Override
    public long index(Instant now) {
      LocalDate date = LocalDate.ofInstant(now, ZoneOffset.UTC);
      return this == DAY ? date.toEpochDay() : date.getYear() * 12L + date.getMonthValue() - 1;
    }

    @Override
    public Instant end(Instant now) {
      LocalDate date = LocalDate.ofInstant(now, ZoneOffset.UTC);
      LocalDate next = this == DAY ? date.plusDays(1) : date.withDayOfMonth(1).plusMonths(1);
      return next.atStartOfDay(ZoneOffset.UTC).toInstant();
    }
  }
}
