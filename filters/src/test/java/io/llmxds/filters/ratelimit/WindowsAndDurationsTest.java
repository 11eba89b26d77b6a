package io.llmxds.filters.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The windows counters are keyed by, and OpenAI's duration format of the reset headers. */
class WindowsAndDurationsTest {

  @Test
  void fixedWindowsAreAlignedToTheEpochAndCalendarWindowsToUtcDaysAndMonths() {
    Instant now = Instant.parse("2026-12-31T23:59:30Z");
    assertThat(new Window.Fixed(60).end(now)).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
    assertThat(new Window.Fixed(60).index(now)).isEqualTo(now.getEpochSecond() / 60);
    assertThat(Window.Calendar.DAY.end(now)).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
    assertThat(Window.Calendar.MONTH.end(Instant.parse("2026-02-10T12:00:00Z")))
        .isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
    assertThat(Window.Calendar.MONTH.index(Instant.parse("2027-01-01T00:00:00Z")))
        .isEqualTo(Window.Calendar.MONTH.index(now) + 1);
    assertThat(Window.Calendar.DAY.index(Instant.parse("2027-01-01T00:00:00Z")))
        .isEqualTo(Window.Calendar.DAY.index(now) + 1);
  }

  @Test
  void resetsAreWrittenTheWayOpenAiWritesThem() {
    assertThat(OpenAiDuration.format(Duration.ofMillis(20))).isEqualTo("20ms");
    assertThat(OpenAiDuration.format(Duration.ofMillis(1000))).isEqualTo("1s");
    assertThat(OpenAiDuration.format(Duration.ofMillis(1001))).isEqualTo("2s");
    assertThat(OpenAiDuration.format(Duration.ofMinutes(6))).isEqualTo("6m0s");
    assertThat(OpenAiDuration.format(Duration.ofHours(1))).isEqualTo("1h0m0s");
    assertThat(OpenAiDuration.format(Duration.ofDays(1).minusSeconds(5))).isEqualTo("23h59m55s");
    assertThat(OpenAiDuration.ceilSeconds(Duration.ofMillis(1))).isEqualTo(1);
    assertThat(OpenAiDuration.ceilSeconds(Duration.ZERO)).isEqualTo(1);
  }
}
