package io.llmxds.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmxds.envoy.EdgePolicies.TestConsumer;
import io.llmxds.filters.testing.LocalRedis;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The example RateLimit made global (a Redis store, 3 requests and 100,000 tokens a minute per consumer) through a
 * real Envoy's ratelimit filter and the data-path service's rate-limit service: the refusal is the service's 429 with
 * OpenAI's JSON and headers as Envoy passes them (docs/envoy-semantics.md RL7), and a streamed answer's tokens are
 * charged when its stream is done, from the usage the context service wrote into dynamic metadata (RL4, RL5, X18).
 * Skipped where no Envoy can run (RequiresEnvoy) or no redis-server is installed.
 */
class EnvoyGlobalRateLimitTest extends EnvoyEndToEnd {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int LIMIT = 3;
  private static final int TOKENS = 100_000;

  private LocalRedis redis;

  @Override
  List<TestConsumer> consumers() {
    return List.of(new TestConsumer("key-1", "default", List.of(), "sk-key-1"),
        new TestConsumer("key-2", "default", List.of(), "sk-key-2"));
  }

  @BeforeEach
  void makeTheLimitGlobal() throws Exception {
    Assumptions.assumeTrue(LocalRedis.installed(), "redis-server is not installed (bin/ensure-redis installs it)");
    redis = LocalRedis.start();
    Files.writeString(stack.controlPlane().policies().resolve("stores.yaml"), """
        apiVersion: llm-xds.io/v1alpha1
        kind: ContextStore
        metadata:
          name: counters
        spec:
          type: redis
          addresses: ["127.0.0.1:%d"]
        """.formatted(redis.port()));
    stack.edit("ratelimits.yaml", "  modelRoutes: [chat]\n  limit:\n    requests: 100\n    per: 1m\n",
        "  scope: global\n  store: counters\n  modelRoutes: [chat]\n  limit:\n    requests: " + LIMIT
            + "\n    per: 1m\n    tokens: {total: " + TOKENS + ", per: 1m}\n");
    stack.apply();
    stack.awaitContextService();
    // Fixed one-minute windows aligned to the epoch: start where at least 30 s are left.
    Awaitility.await().atMost(Duration.ofSeconds(31)).pollInterval(Duration.ofMillis(200))
        .until(() -> Instant.now().getEpochSecond() % 60 < 30);
  }

  @AfterEach
  void stopRedis() throws InterruptedException {
    if (redis != null) {
      redis.stop();
    }
  }

  @Test
  void overTheLimitEnvoyAnswersTheServices429WithOpenAisJsonAndHeaders() {
    for (int i = 1; i <= LIMIT; i++) {
      HttpResponse<String> ok = stack.chat("chat", "request " + i, "x-api-key", "sk-key-1");
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
      assertThat(ok.headers().firstValue("x-ratelimit-remaining-requests")).contains(Integer.toString(LIMIT - i));
    }
    HttpResponse<String> refused = stack.chat("chat", "one too many", "x-api-key", "sk-key-1");
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("content-type")).contains("application/json");
    assertThat(refused.headers().firstValue("x-ratelimit-limit-requests")).contains(Integer.toString(LIMIT));
    assertThat(refused.headers().firstValue("x-ratelimit-remaining-requests")).contains("0");
    assertThat(refused.headers().firstValue("retry-after")).isPresent();
    assertThat(refused.headers().firstValue("x-envoy-ratelimited")).as("disabled: the service says it all")
        .isEmpty();
    assertThat(refused.body()).contains("\"code\":\"rate_limit_exceeded\"").contains("\"type\":\"requests\"");
    assertThat(stack.chat("chat", "another consumer", "x-api-key", "sk-key-2").statusCode()).isEqualTo(200);
  }

  @Test
  void aStreamedAnswersTokensAreChargedWhenItsStreamIsDone() throws Exception {
    HttpResponse<String> streamed = streamedChat("sk-key-2");
    assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(200);
    assertThat(streamed.headers().firstValue("x-ratelimit-remaining-tokens")).as("checked before any charge")
        .contains(Integer.toString(TOKENS));
    long used = usageOfStream(streamed.body());
    assertThat(used).isPositive();
    // The charge is fire-and-forget once the stream is done (RL4): the next answer shows it soon after.
    Awaitility.await().atMost(EdgeStack.PATIENCE).untilAsserted(() -> assertThat(
            stack.chat("chat", "after the stream", "x-api-key", "sk-key-2").headers()
                .firstValue("x-ratelimit-remaining-tokens"))
        .contains(Long.toString(TOKENS - used)));
  }

  private HttpResponse<String> streamedChat(String key) throws IOException, InterruptedException {
    Map<String, Object> body = Map.of("model", "chat", "stream", true,
        "stream_options", Map.of("include_usage", true),
        "messages", List.of(Map.of("role", "user", "content", "tell me a story")));
    URI uri = stack.envoy().gateway().resolve("/v1/chat/completions");
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(30))
        .header("content-type", "application/json")
        .header("x-api-key", key)
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The {@code total_tokens} of the SSE event that carries the usage. */
  private static long usageOfStream(String sse) throws IOException {
    for (String line : sse.split("\n")) {
      if (line.startsWith("data: {")) {
        JsonNode event = JSON.readTree(line.substring("data: ".length()));
        if (event.hasNonNull("usage")) {
          return event.path("usage").path("total_tokens").asLong();
        }
      }
    }
    throw new AssertionError("no usage event in the stream:\n" + sse);
  }
}
