package io.llmxds.filters.config;

import static io.llmxds.filters.testing.TestDataPath.memoryStore;
import static io.llmxds.filters.testing.TestDataPath.routeWithoutPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import io.llmxds.filters.ratelimit.GlobalLimit;
import io.llmxds.filters.ratelimit.LimitRule;
import io.llmxds.filters.ratelimit.LimitTarget;
import io.llmxds.filters.ratelimit.ModelPrice;
import io.llmxds.filters.ratelimit.Window;
import io.llmxds.filters.testing.TestDataPath.Config;
import io.llmxds.filters.testing.TestLimits;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** docs/global-rate-limits.md "The wire contract", the limit table read back: what the service takes, and refuses. */
class LimitTableDecodingTest {
  private static final String WHERE = "RouteConfiguration llm-xds/context virtual host models: io.llmxds.rate_limits";
  private static final String RULE = "{'kind': 'rate', 'unit': 'requests', 'amount': 100, 'window': 60}";

  private static Map<String, GlobalLimit> decode(String limits) throws ConfigException {
    Config config = Config.of("1", List.of(memoryStore()), routeWithoutPolicy("chat", "gpt-4o"))
        .withLimits(TestLimits.table(limits));
    return ModelTables.decode(List.of(Any.pack(config.table()))).limits();
  }

  @Test
  void aFullLimitIsReadIntoItsRecords() throws Exception {
    Map<String, GlobalLimit> limits = decode("{'l': {'version': 'v', 'store': 'counters', 'enforce': false, "
        + "'failure_mode': 'closed', 'model_routes': ['chat'], 'targets': ["
        + "{'kind': 'all', 'rules': [" + RULE + ", {'kind': 'budget', 'unit': 'usd', 'amount': 0.01, 'window': 'month', "
        + "'bucket': 'shared'}]}, {'kind': 'tier', 'name': 'premium', 'unlimited': true}], "
        + "'prices': {'gpt-4o': {'input_per_million': 2.5, 'output_per_million': 10}}}}");

    assertThat(limits.get("l")).isEqualTo(new GlobalLimit("l", "v", "counters", false, GlobalLimit.FailureMode.CLOSED,
        java.util.Set.of("chat"), List.of(
            new LimitTarget(LimitTarget.Kind.ALL, Optional.empty(), false, List.of(
                new LimitRule(LimitRule.Kind.RATE, LimitRule.Unit.REQUESTS, 100, new Window.Fixed(60),
                    LimitRule.Bucket.CONSUMER),
                new LimitRule(LimitRule.Kind.BUDGET, LimitRule.Unit.USD, 10_000_000, Window.Calendar.MONTH,
                    LimitRule.Bucket.SHARED))),
            new LimitTarget(LimitTarget.Kind.TIER, Optional.of("premium"), true, List.of())),
        Map.of("gpt-4o", new ModelPrice(2.5, 10))));
    // Consumer over tier over all; an unknown tier falls to all.
    assertThat(limits.get("l").targetFor(Optional.of("x"), Optional.of("premium")).orElseThrow().unlimited()).isTrue();
    assertThat(limits.get("l").targetFor(Optional.of("x"), Optional.of("gold")).orElseThrow().kind())
        .isEqualTo(LimitTarget.Kind.ALL);
    assertThat(decode("{}")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '#', value = {
      "'unit': 'requests'#'unit': 'calls'#.l.targets[0].rules[0].unit is requests | tokens | input_tokens | output_tokens | usd, not 'calls'",
      "'amount': 100#'amount': 0.5#.l.targets[0].rules[0].amount must be a whole number from 1 to 4611686018427387903",
      "'window': 60#'window': 'day'#.l.targets[0].rules[0].window must be a whole number from 1 to 2678400",
      "'kind': 'rate'#'kind': 'budget'#.l.targets[0].rules[0].window of a budget is day or month",
      "'unit': 'requests'#'unit': 'usd'#.l.targets[0].rules[0]: a usd rule needs the limit's prices",
      "'model_routes': ['chat']#'model_routes': ['gone']#.l.model_routes names 'gone', which is no route of the table",
      "'failure_mode': 'open'#'failure_mode': 'maybe'#.l.failure_mode is open | closed, not 'maybe'",
      "'kind': 'all'#'kind': 'tier'#.l.targets[0].name is required for kind tier",
      "'store': 'counters', #''#.l.store missing",
  })
  void aBadFieldIsNackedNamingIt(String from, String to, String error) {
    String good = "{'l': {'version': 'v', 'store': 'counters', 'failure_mode': 'open', 'model_routes': ['chat'], "
        + "'targets': [{'kind': 'all', 'rules': [" + RULE + "]}]}}";
    String bad = good.replace(from.replace("''", ""), to.replace("''", ""));
    assertThat(bad).isNotEqualTo(good);
    assertThatThrownBy(() -> decode(bad)).isInstanceOf(ConfigException.class).hasMessage(WHERE + error);
  }

  @Test
  void twoTargetsOfOneKindAndNameOrAnUnlimitedTargetWithRulesAreRefused() {
    assertThatThrownBy(() -> decode("{'l': {'version': 'v', 'store': 's', 'failure_mode': 'open', 'model_routes': [], "
        + "'targets': [{'kind': 'all', 'rules': [" + RULE + "]}, {'kind': 'all', 'unlimited': true}]}}"))
        .hasMessage(WHERE + ".l.targets[1]: a second target for the same all");
    assertThatThrownBy(() -> decode("{'l': {'version': 'v', 'store': 's', 'failure_mode': 'open', 'model_routes': [], "
        + "'targets': [{'kind': 'all', 'unlimited': true, 'rules': [" + RULE + "]}]}}"))
        .hasMessage(WHERE + ".l.targets[0]: an unlimited target has no rules");
  }
}
