package io.llmxds.envoy;

import static io.llmxds.cp.testing.AdsTestClient.CDS;
import static io.llmxds.cp.testing.AdsTestClient.RDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmxds.envoy.EdgePolicies.TestConsumer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The example RateLimit through Envoy's local_ratelimit: 100 requests a minute per consumer, the premium consumer
 * unlimited; each test's consumers authenticate with an {@code x-api-key} (as Anthropic SDKs send it). Buckets
 * refill continuously (docs/envoy-semantics.md L5), so a count of passes is bounded by what the test's own duration
 * refilled ({@link TokenRefill}) rather than exact; {@code x-ratelimit-remaining} (L6) shows a bucket between requests.
 */
class EnvoyRateLimitTest extends EnvoyEndToEnd {

  private static final int LIMIT = 100;
  private static final Duration PER = Duration.ofMinutes(1);
  /** A runaway guard: a limit that does not hold ends here instead of looping. */
  private static final int GIVE_UP_AFTER = 3 * LIMIT;

  /** Consumer {@code name} has the key {@code sk-<name>}; {@code key-premium} is of the premium tier. */
  @Override
  List<TestConsumer> consumers() {
    return Stream.of("key-1", "key-2", "key-keep", "key-shared", "key-spoof", "key-premium")
        .map(name -> new TestConsumer(name, name.equals("key-premium") ? "premium" : "default", List.of(),
            "sk-" + name))
        .toList();
  }

  @Test
  void aKeyGetsItsHundredRequestsThen429AndOtherKeysAreNotAffected() {
    TokenRefill refill = TokenRefill.startingNow(LIMIT, PER);

    int passed = passesBefore429("key-1", "chat");

    assertThat(passed).isBetween(LIMIT, limitPlus(refill));
    assertThat(stack.chat("chat", "first of key-2", "x-api-key", "sk-key-2").statusCode()).isEqualTo(200);
  }

  @Test
  void premiumClientsAreNeverLimited() {
    for (int i = 1; i <= LIMIT + 50; i++) {
      HttpResponse<String> reply = stack.chat("chat", "request " + i, "x-api-key", "sk-key-premium");
      assertThat(reply.statusCode()).as("request %d: %s", i, reply.body()).isEqualTo(200);
    }
  }

  /** The tier is the consumer's: Envoy removes a client's x-llm-tier and x-llm-consumer before anything reads them. */
  @Test
  void aClaimedTierOrConsumerChangesNothing() {
    TokenRefill refill = TokenRefill.startingNow(LIMIT, PER);
    int passed = 0;
    for (; passed < GIVE_UP_AFTER; passed++) {
      HttpResponse<String> reply = stack.chat("chat", "request " + passed, "x-api-key", "sk-key-spoof",
          "x-llm-tier", "premium", "x-llm-consumer", "key-premium");
      if (reply.statusCode() != 200) {
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(429);
        break;
      }
    }
    assertThat(passed).as("judged as key-spoof, of the default tier").isBetween(LIMIT, limitPlus(refill));
    assertThat(stack.chat("chat", "premium's own", "x-api-key", "sk-key-premium").statusCode()).isEqualTo(200);
  }

  /**
   * A change that alters no route (a provider's connect timeout) leaves the RouteConfiguration byte-identical, so
   * Envoy does not rebuild it and keeps every bucket (L7): the client continues where it was, it is not refilled.
   */
  @Test
  void aChangeThatAltersNoRouteKeepsTheClientsRemainingQuota() {
    TokenRefill sinceFirst = TokenRefill.startingNow(LIMIT, PER);
    for (int i = 1; i < 60; i++) {
      pass("key-keep", "chat");
    }
    TokenRefill sinceBaseline = TokenRefill.startingNow(LIMIT, PER);
    long before = remaining(pass("key-keep", "chat"));
    String version = stack.servedVersion();
    String routes = stack.ackedVersion(RDS);
    String clusters = stack.ackedVersion(CDS);

    stack.edit("providers.yaml", "mock-a", "connectTimeout: 2s", "connectTimeout: 3s");
    stack.apply();

    assertThat(stack.servedVersion()).as("a new config version, ACKed").isNotEqualTo(version);
    assertThat(stack.ackedVersion(CDS)).as("the cluster changed").isNotEqualTo(clusters);
    assertThat(stack.ackedVersion(RDS)).as("no route changed: nothing for Envoy to rebuild").isEqualTo(routes);
    long after = remaining(pass("key-keep", "chat"));
    long refilled = sinceBaseline.atMost() + 1; // one token of slack for the two clocks, Envoy's and ours
    assertThat(before + refilled).as("the reload took too long to tell a kept bucket from a new one (99 left)")
        .isLessThan(LIMIT - 1);
    assertThat(after).as("remaining after the 61st request, 60th left %d", before)
        .isBetween(before - 1, before + refilled);
    int passed = 61 + passesBefore429("key-keep", "chat");
    assertThat(passed).as("all requests of key-keep before its first 429").isBetween(LIMIT, limitPlus(sinceFirst));
  }

  /** One Envoy route per ModelRoute: its model names share the route's buckets, a client's budget is not per name. */
  @Test
  void aRoutesModelNamesShareOneBudget() {
    TokenRefill refill = TokenRefill.startingNow(LIMIT, PER);

    int passed = passesBefore429("key-shared", "chat", "gpt-4o-mini");

    assertThat(passed).as("chat and gpt-4o-mini alternating, one budget of %d", LIMIT)
        .isBetween(LIMIT, limitPlus(refill));
  }

  private HttpResponse<String> pass(String key, String model) {
    HttpResponse<String> reply = stack.chat(model, "counted", "x-api-key", "sk-" + key);
    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
    return reply;
  }

  /** Sends requests of {@code key}, cycling through {@code models}, until one is refused; it must be a 429. */
  private int passesBefore429(String key, String... models) {
    for (int passed = 0; passed < GIVE_UP_AFTER; passed++) {
      HttpResponse<String> reply = stack.chat(models[passed % models.length], "request " + passed, "x-api-key",
          "sk-" + key);
      if (reply.statusCode() != 200) {
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(429);
        return passed;
      }
    }
    throw new AssertionError(key + " was never limited in " + GIVE_UP_AFTER + " requests");
  }

  /** The most passes a fresh bucket allows by now: the limit, what refilled since {@code refill} began, one of slack. */
  private static int limitPlus(TokenRefill refill) {
    return (int) (LIMIT + refill.atMost() + 1);
  }

  /** Envoy's {@code x-ratelimit-remaining}: the whole tokens left in the request's bucket when it answered (L6). */
  private static long remaining(HttpResponse<String> reply) {
    return Long.parseLong(reply.headers().firstValue("x-ratelimit-remaining")
        .orElseThrow(() -> new AssertionError("no x-ratelimit-remaining: " + reply.headers().map())));
  }
}
