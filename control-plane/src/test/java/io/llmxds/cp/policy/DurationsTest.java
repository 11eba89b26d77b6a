package io.llmxds.cp.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({"250ms, PT0.25S", "30s, PT30S", "5m, PT5M", "1h, PT1H", "1h30m, PT1H30M", "0s, PT0S", "1m500ms, PT1M0.5S",
      "-5s, PT-5S"})
  void parsesGoStyleDurations(String text, String iso) throws InvalidValue {
    assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "30 | duration needs a unit, e.g. 30s",
      "1.5s | expected a duration like 250ms, 30s, 5m or 1h30m, got \"1.5s\"",
      "5d | expected a duration like 250ms, 30s, 5m or 1h30m, got \"5d\"",
      "s | expected a duration like 250ms, 30s, 5m or 1h30m, got \"s\"",
      "1h 30m | expected a duration like 250ms, 30s, 5m or 1h30m, got \"1h 30m\""})
  void rejectsWhatIsNotADuration(String text, String reason) {
    assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(InvalidValue.class).hasMessage(reason);
  }

  @ParameterizedTest
  @CsvSource({"PT1.5S, 1500ms", "PT2M, 120s", "PT0S, 0s"})
  void formatsInTheSameSyntax(String iso, String text) {
    assertThat(Durations.format(Duration.parse(iso))).isEqualTo(text);
  }
}
