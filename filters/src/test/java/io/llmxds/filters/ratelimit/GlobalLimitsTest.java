package io.llmxds.filters.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.Code;
import io.llmxds.filters.config.ResourceType;
import io.llmxds.filters.ratelimit.SimulatedEnvoy.Caller;
import io.llmxds.filters.testing.LocalRedis;
import io.llmxds.filters.testing.TestDataPath;
import io.llmxds.filters.testing.TestLimits;
import io.llmxds.filters.testing.TestAdsServer;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rate-limit service over real gRPC, configured over ADS, counting in a real redis-server: token limits, budgets,
 * config changes, shadow mode, store failures and the exact answers Envoy turns into the client's response.
 */
class GlobalLimitsTest {
  private static final Caller TEAM_A = new Caller("team-a", "gold");
  private static LocalRedis redis;

  @BeforeAll
  static void startRedis() throws Exception {
    redis = LocalRedis.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  private static Cluster counters() {
    return TestDataPath.redisStore("counters", redis.uri());
  }

  private static String rule(String kind, String unit, Object amount, Object window) {
    String w = window instanceof String ? "'" + window + "'" : window.toString();
    return "{'kind': '" + kind + "', 'unit': '" + unit + "', 'amount': " + amount + ", 'window': " + w + "}";
  }

  /** Two limits {@code open} and {@code closed} on store {@code own}, each {@code amount} requests a minute. */
  private static String openAndClosed(int amount) {
    return "{" + TestLimits.limit("open", "own", "chat", all(rule("rate", "requests", amount, 60)), "") + ", "
        + TestLimits.limit("closed", "own", "chat", all(rule("rate", "requests", amount, 60)), "")
        .replace("'failure_mode': 'open'", "'failure_mode': 'closed'") + "}";
  }

  private static String all(String... rules) {
    return "[{'kind': 'all', 'rules': [" + String.join(", ", rules) + "]}]";
  }

  @Test
  void aTokenLimitRefusesOnceTheStreamedAnswersChargesReachIt() throws Exception {
    try (RateLimitHarness service = new RateLimitHarness(); SimulatedEnvoy envoy = service.envoy()) {
      service.configure(RateLimitHarness.config("1", counters(), "{" + TestLimits.limit("tpm", "counters", "chat",
          all(rule("rate", "tokens", 1000, 60)), "") + "}"));
      // Each answer's usage, as an OpenAI stream's last event reports it: 150 prompt, 97 completion tokens.
      long input = 150;
      long output = 97;
      int admitted = 0;
      while (envoy.request(TEAM_A, "chat", "tpm").getOverallCode() == Code.OK) {
        admitted++;
        assertThat(envoy.streamDone(TEAM_A, "chat", "gpt-4o-mini", input, output, "tpm").getOverallCode())
            .as("Envoy ignores stream-done answers; the service never refuses one").isEqualTo(Code.OK);
        assertThat(admitted).isLessThan(100);
      }
      // Admitted while the charged tokens are below the limit: the first request after they reach it is refused.
      long expected = (1000 + input + output - 1) / (input + output);
      assertThat(admitted).isEqualTo(expected).isEqualTo(5);
      assertThat(service.counter(LimitTelemetry.TOKENS, "consumer", "team-a", "model", "gpt-4o-mini", "direction",
          "input")).isEqualTo(input * admitted);
      assertThat(service.counter(LimitTelemetry.TOKENS, "consumer", "team-a", "model", "gpt-4o-mini", "direction",
          "output")).isEqualTo(output * admitted);
      RateLimitResponse refused = envoy.request(TEAM_A, "chat", "tpm");
      assertThat(SimulatedEnvoy.headers(refused)).containsEntry("x-ratelimit-limit-tokens", "1000")
          .containsEntry("x-ratelimit-remaining-tokens", "0").containsEntry("x-ratelimit-reset-tokens", "55s");
      assertThat(refused.getRawBody().toStringUtf8()).contains("\"type\":\"tokens\"")
          .contains("\"code\":\"rate_limit_exceeded\"").contains("used " + admitted * (input + output));

      // The next window starts at zero.
      service.clock.advance(Duration.ofSeconds(55));
      assertThat(envoy.request(TEAM_A, "chat", "tpm").getOverallCode()).isEqualTo(Code.OK);
    }
  }

  @Test
  void aDollarBudgetPerDayIsRefusedAtTheRequestItsPricesSay() throws Exception {
    double inputPrice = 0.15;
    double outputPrice = 0.60;
    String prices = "'prices': {'gpt-4o-mini': {'input_per_million': " + inputPrice + ", 'output_per_million': "
        + outputPrice + "}}";
    try (RateLimitHarness service = new RateLimitHarness(); SimulatedEnvoy envoy = service.envoy()) {
      service.configure(RateLimitHarness.config("1", counters(), "{" + TestLimits.limit("budget", "counters", "chat",
          all(rule("budget", "usd", 0.01, "day")), prices) + "}"));
      long input = 1000;
      long output = 500;
      // $ per answer = (1000 × 0.15 + 500 × 0.60) / 1M = $0.00045: 22 answers cost $0.0099, 23 cost $0.01035.
      double perAnswer = (input * inputPrice + output * outputPrice) / 1_000_000;
      int expected = (int) Math.ceil(0.01 / perAnswer);
      int admitted = 0;
      while (envoy.request(TEAM_A, "chat", "budget").getOverallCode() == Code.OK) {
        admitted++;
        envoy.streamDone(TEAM_A, "chat", "gpt-4o-mini", input, output, "budget");
        assertThat(admitted).isLessThan(100);
      }
      assertThat(admitted).isEqualTo(expected).isEqualTo(23);
      assertThat(service.counter(LimitTelemetry.COST_USD, "consumer", "team-a", "model", "gpt-4o-mini"))
          .isCloseTo(perAnswer * admitted, org.assertj.core.data.Offset.offset(1e-12));
      RateLimitResponse refused = envoy.request(TEAM_A, "chat", "budget");
      // 00:00:05 UTC: the day ends in 23h59m55s.
      assertThat(refused.getRawBody().toStringUtf8()).isEqualTo("{\"error\":{\"message\":\"Budget exceeded on "
          + "chat: $0.01 per day, used $0.01035. Please try again in 23h59m55s.\",\"type\":\"insufficient_quota\","
          + "\"code\":\"insufficient_quota\"}}");
      assertThat(SimulatedEnvoy.headers(refused)).containsEntry("retry-after", Long.toString(24 * 3600 - 5));

      // An answer of a model without a price counts its tokens, never money.
      envoy.streamDone(TEAM_A, "chat", "unpriced-model", 10, 10, "budget");
      assertThat(service.counter(LimitTelemetry.UNPRICED, "limit", "budget", "model", "unpriced-model")).isEqualTo(1);
      assertThat(service.counter(LimitTelemetry.TOKENS, "consumer", "team-a", "model", "unpriced-model",
          "direction", "input")).isEqualTo(10);
      assertThat(service.meters.find(LimitTelemetry.COST_USD).tag("model", "unpriced-model").counter()).isNull();
    }
  }

  @Test
  void anOverLimitAnswerIsOpenAisErrorWithRetryAfterAndTheRatelimitHeaders() throws Exception {
    try (RateLimitHarness service = new RateLimitHarness(); SimulatedEnvoy envoy = service.envoy()) {
      service.configure(RateLimitHarness.config("1", counters(), "{" + TestLimits.limit("answers", "counters",
          "chat", all(rule("rate", "requests", 3, 60), rule("rate", "tokens", 1000, 3600)), "") + "}"));
      RateLimitResponse first = envoy.request(TEAM_A, "chat", "answers");
      assertThat(first.getOverallCode()).isEqualTo(Code.OK);
      assertThat(first.getRawBody().isEmpty()).isTrue();
      // OK: the x-ratelimit headers only (Envoy adds them to the upstream's response: no content-type of ours there).
      assertThat(SimulatedEnvoy.headers(first)).containsExactly(
          Map.entry("x-ratelimit-limit-requests", "3"), Map.entry("x-ratelimit-remaining-requests", "2"),
          Map.entry("x-ratelimit-reset-requests", "55s"),
          Map.entry("x-ratelimit-limit-tokens", "1000"), Map.entry("x-ratelimit-remaining-tokens", "1000"),
          Map.entry("x-ratelimit-reset-tokens", "59m55s"));
      envoy.request(TEAM_A, "chat", "answers");
      envoy.request(TEAM_A, "chat", "answers");
      service.clock.advance(Duration.ofMillis(54_500));

      RateLimitResponse over = envoy.request(TEAM_A, "chat", "answers");

      assertThat(over.getOverallCode()).isEqualTo(Code.OVER_LIMIT);
      assertThat(over.getStatuses(0).getCode()).isEqualTo(Code.OVER_LIMIT);
      assertThat(over.getRawBody().toStringUtf8()).isEqualTo("{\"error\":{\"message\":\"Rate limit reached on chat "
          + "for requests per 60s: limit 3, used 3. Please try again in 500ms.\",\"type\":\"requests\","
          + "\"code\":\"rate_limit_exceeded\"}}");
      Map<String, String> expected = new LinkedHashMap<>();
      expected.put("x-ratelimit-limit-requests", "3");
      expected.put("x-ratelimit-remaining-requests", "0");
      expected.put("x-ratelimit-reset-requests", "500ms");
      expected.put("x-ratelimit-limit-tokens", "1000");
      expected.put("x-ratelimit-remaining-tokens", "1000");
      expected.put("x-ratelimit-reset-tokens", "59m1s");
      expected.put("retry-after", "1");
      expected.put("content-type", "application/json");
      assertThat(SimulatedEnvoy.headers(over)).containsExactlyEntriesOf(expected);
      assertThat(over.getResponseHeadersToAddList()).allSatisfy(h -> assertThat(h.getRawValue().isEmpty())
          .as("Envoy reads value (RS3)").isTrue());

      List<SpanData> spans = service.tracing.spans().stream()
          .filter(s -> s.getName().equals("ratelimit.check")).toList();
      assertThat(spans).hasSize(4);
      SpanData refusedSpan = spans.get(3);
      assertThat(refusedSpan.getAttributes().get(RateLimitService.DECISION)).isEqualTo("over_limit");
      assertThat(refusedSpan.getAttributes().get(RateLimitService.CONSUMER)).isEqualTo("team-a");
      assertThat(refusedSpan.getAttributes().get(RateLimitService.ROUTE)).isEqualTo("chat");
      assertThat(refusedSpan.getAttributes().get(RateLimitService.LIMIT)).isEqualTo("answers");
      assertThat(refusedSpan.getAttributes().get(RateLimitService.PHASE)).isEqualTo("request");
      assertThat(refusedSpan.getAttributes().get(RateLimitService.REMAINING)).isZero();
      assertThat(refusedSpan.getAttributes().asMap().values()).noneMatch(v -> v.toString().contains(
          CounterKeys.PREFIX));
    }
  }

  @Test
  void aCheckSpanContinuesEnvoysTraceFromTheCallsMetadata() throws Exception {
    try (RateLimitHarness service = new RateLimitHarness(); SimulatedEnvoy envoy = service.envoy()) {
      service.configure(RateLimitHarness.config("7", counters(), "{" + TestLimits.limit("traced", "counters", "chat",
          all(rule("rate", "requests", 5, 60)), "") + "}"));
      envoy.requestTraced("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", TEAM_A, "chat", "traced");
      SpanData span = service.tracing.spansNamed("ratelimit.check").get(0);
      assertThat(span.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
      assertThat(span.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
      assertThat(span.getAttributes().get(io.llmxds.filters.context.ContextSpanAttributes.CONFIG_VERSION))
          .isEqualTo("7");
      assertThat(span.getAttributes().get(RateLimitService.DECISION)).isEqualTo("ok");
      assertThat(span.getAttributes().get(RateLimitService.REMAINING)).isEqualTo(4);
    }
  }

  @Test
  void aConfigChangeKeepsEveryCounter() throws Exception {
    String both = "{" + TestLimits.limit("a", "counters", "chat", all(rule("rate", "requests", 100, 60)), "") + ", "
        + TestLimits.limit("b", "counters", "chat", all(rule("rate", "requests", 50, 60)), "") + "}";
    try (RateLimitHarness service = new RateLimitHarness(); SimulatedEnvoy envoy = service.envoy()) {
      service.configure(RateLimitHarness.config("1", counters(), both));
      for (int i = 0; i < 10; i++) {
        envoy.request(TEAM_A, "chat", "a", "b");
      }
      assertRemaining(envoy.request(TEAM_A, "chat", "a", "b"), 89, 39);

      // Another limit's amount: b 50 → 70.
      service.configure(RateLimitHarness.config("2", counters(), both.replace("'amount': 50", "'amount': 70")));
      assertRemaining(envoy.request(TEAM_A, "chat", "a", "b"), 88, 58);

      // A context policy on the route.
      TestDataPath.Config withPolicy = TestDataPath.Config.of("3", List.of(TestDataPath.memoryStore(), counters()),
          TestDataPath.route("chat", TestDataPath.Policy.of("default", "memory"), "gpt-4o-mini"))
          .withLimits(TestLimits.table(both.replace("'amount': 50", "'amount': 70")));
      service.configure(withPolicy);
      assertRemaining(envoy.request(TEAM_A, "chat", "a", "b"), 87, 57);

      // This limit's own amount, live: a 100 → 200 keeps what was counted (13 requests so far, this one the 14th).
      service.configure(RateLimitHarness.config("4", counters(), both.replace("'amount': 50", "'amount': 70")
          .replace("'amount': 100", "'amount': 200")));
      assertRemaining(envoy.request(TEAM_A, "chat", "a", "b"), 186, 56);
    }
  }

  private static void assertRemaining(RateLimitResponse answer, int a, int b) {
    assertThat(answer.getOverallCode()).isEqualTo(Code.OK);
    assertThat(answer.getStatuses(0).getLimitRemaining()).as("limit a").isEqualTo(a);
    assertThat(answer.getStatuses(1).getLimitRemaining()).as("limit b").isEqualTo(b);
  }

  @Test
  void shadowModeRefusesNothingAndWouldRefuseWhatEnforcingRefuses() throws Exception {
    String limits = "{" + TestLimits.limit("shadow", "counters", "chat", all(rule("rate", "requests", 7, 60)), "")
        .replace("'enforce': true", "'enforce': false") + ", "
        + TestLimits.limit("enforced", "counters", "chat", all(rule("rate", "requests", 7, 60)), "") + "}";
    try (RateLimitHarness service = new RateLimitHarness(); SimulatedEnvoy envoy = service.envoy()) {
      service.configure(RateLimitHarness.config("1", counters(), limits));
      int shadowRefused = 0;
      int enforcedRefused = 0;
      for (int i = 0; i < 30; i++) {
        Caller caller = new Caller("c" + i % 3, "gold");
        RateLimitResponse shadow = envoy.request(caller, "chat", "shadow");
        RateLimitResponse enforced = envoy.request(caller, "chat", "enforced");
        shadowRefused += shadow.getOverallCode() == Code.OK ? 0 : 1;
        enforcedRefused += enforced.getOverallCode() == Code.OK ? 0 : 1;
        assertThat(shadow.getResponseHeadersToAddList()).as("a shadow limit shows the client nothing").isEmpty();
      }
      assertThat(shadowRefused).isZero();
      assertThat(enforcedRefused).isEqualTo(30 - 3 * 7);
      assertThat(service.telemetry.status().get("shadow").decisions()).containsEntry("would_refuse",
          (long) enforcedRefused).containsEntry("ok", 21L).containsEntry("over_limit", 0L);
      assertThat(service.telemetry.status().get("enforced").decisions()).containsEntry("over_limit",
          (long) enforcedRefused);
      assertThat(service.tracing.spans().stream()
          .filter(s -> "would_refuse".equals(s.getAttributes().get(RateLimitService.DECISION)))).hasSize(9);
    }
  }

  @Test
  void redisStoppedAdmitsWhenOpenRefusesWhenClosedAndCountingResumesWhenItIsBack() throws Exception {
    try (LocalRedis own = LocalRedis.start(); RateLimitHarness service = new RateLimitHarness();
        SimulatedEnvoy envoy = service.envoy()) {
      String limits = openAndClosed(10);
      service.configure(RateLimitHarness.config("1", TestDataPath.redisStore("own", own.uri()), limits));
      assertThat(envoy.request(TEAM_A, "chat", "open").getStatuses(0).getLimitRemaining()).isEqualTo(9);
      own.stop();

      RateLimitResponse open = envoy.request(TEAM_A, "chat", "open");
      assertThat(open.getOverallCode()).isEqualTo(Code.OK);
      assertThat(service.counter(LimitTelemetry.DECISIONS, "route", "chat", "tier", "gold", "decision",
          "error_open")).isEqualTo(1);
      RateLimitResponse closed = envoy.request(TEAM_A, "chat", "closed");
      assertThat(closed.getOverallCode()).isEqualTo(Code.OVER_LIMIT);
      assertThat(closed.getRawBody().toStringUtf8()).isEqualTo("{\"error\":{\"message\":\"The rate limit service is "
          + "unavailable. Please try again in 1s.\",\"type\":\"requests\",\"code\":\"rate_limit_unavailable\"}}");
      assertThat(SimulatedEnvoy.headers(closed)).containsExactly(Map.entry("retry-after", "1"),
          Map.entry("content-type", "application/json"));
      assertThat(service.counter(LimitTelemetry.DECISIONS, "route", "chat", "tier", "gold", "decision",
          "error_closed")).isEqualTo(1);
      assertThat(service.telemetry.status().get("closed").lastError()).hasValueSatisfying(error ->
          assertThat(error).startsWith("ContextStore/own: redis://127.0.0.1:" + own.port() + "/0: count failed: "));

      own.startAgain(); // an empty Redis: counting starts over
      await("counting resumes").atMost(Duration.ofSeconds(20)).until(() ->
          envoy.request(TEAM_A, "chat", "closed").getOverallCode() == Code.OK);
      assertThat(envoy.request(TEAM_A, "chat", "open").getStatuses(0).getLimitRemaining()).isEqualTo(9);
      assertThat(envoy.request(TEAM_A, "chat", "open").getStatuses(0).getLimitRemaining()).isEqualTo(8);
    }
  }

  @Test
  void checksWaitingForAnUnansweringRedisHoldNoThreadAndTheCommandTimeoutDecidesThem() throws Exception {
    int calls = 20;
    ExecutorService oneThread = Executors.newSingleThreadExecutor();
    ExecutorService callers = Executors.newFixedThreadPool(calls);
    try (LocalRedis own = LocalRedis.start(); RateLimitHarness service = new RateLimitHarness(oneThread);
        SimulatedEnvoy envoy = service.envoy()) {
      String limits = openAndClosed(100);
      service.configure(RateLimitHarness.config("1", TestDataPath.redisStore("own", own.uri()), limits));
      assertThat(envoy.request(TEAM_A, "chat", "open").getStatuses(0).getLimitRemaining()).isEqualTo(99);

      // Redis takes the commands and answers none for 30 s; the store's command timeout is 2 s. A thread blocked per
      // check would answer these one at a time on the server's one thread (20 × 2 s): most would not be answered.
      own.cli("CLIENT", "PAUSE", "30000");
      long start = System.nanoTime();
      List<Future<RateLimitResponse>> answers = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        String limit = i % 2 == 0 ? "open" : "closed";
        answers.add(callers.submit(() -> envoy.request(TEAM_A, "chat", limit)));
      }
      List<Code> codes = new ArrayList<>();
      for (Future<RateLimitResponse> answer : answers) {
        codes.add(answer.get(10, TimeUnit.SECONDS).getOverallCode());
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(8));
      for (int i = 0; i < calls; i++) {
        assertThat(codes.get(i)).isEqualTo(i % 2 == 0 ? Code.OK : Code.OVER_LIMIT);
      }
      assertThat(service.counter(LimitTelemetry.DECISIONS, "route", "chat", "tier", "gold", "decision",
          "error_open")).isEqualTo(calls / 2);
      assertThat(service.counter(LimitTelemetry.DECISIONS, "route", "chat", "tier", "gold", "decision",
          "error_closed")).isEqualTo(calls / 2);
      assertThat(service.telemetry.status().get("closed").lastError()).hasValueSatisfying(error ->
          assertThat(error).endsWith(": count failed: timed out after 2s"));
      assertThat(service.tracing.spansNamed("ratelimit.check")).hasSize(calls + 1);
      own.kill(); // a paused Redis would not take SIGTERM until the pause ends
    } finally {
      callers.shutdownNow();
      oneThread.shutdownNow();
    }
  }

  @Test
  void aBadLimitTableOrACounterStoreInMemoryIsNackedAndTheLastGoodConfigKeepsServing() throws Exception {
    try (RateLimitHarness service = new RateLimitHarness(); SimulatedEnvoy envoy = service.envoy()) {
      String good = "{" + TestLimits.limit("nacked", "counters", "chat", all(rule("rate", "requests", 2, 60)), "") + "}";
      service.configure(RateLimitHarness.config("1", counters(), good));

      service.controlPlane.serve(RateLimitHarness.config("2", counters(), good.replace("'requests'", "'bogus'")));
      TestAdsServer.Request nack = service.controlPlane.awaitAnswer(ResourceType.RDS, "2");
      assertThat(nack.error()).hasValue("RouteConfiguration llm-xds/context virtual host models: "
          + "io.llmxds.rate_limits.nacked.targets[0].rules[0].unit is requests | tokens | input_tokens | output_tokens | "
          + "usd, not 'bogus'");

      service.controlPlane.serve(RateLimitHarness.config("3", counters(), good.replace("'counters'", "'memory'")));
      assertThat(service.controlPlane.awaitAnswer(ResourceType.RDS, "3").error()).hasValue("rate limit nacked: its store "
          + "memory is a memory store; global limits count in a redis or redis-cluster store");

      assertThat(service.snapshots.current().config()).isEqualTo("1");
      assertThat(envoy.request(TEAM_A, "chat", "nacked").getStatuses(0).getLimitRemaining()).isEqualTo(1);
    }
  }
}
