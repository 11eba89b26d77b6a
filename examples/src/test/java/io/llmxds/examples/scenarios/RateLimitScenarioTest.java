package io.llmxds.examples.scenarios;

import static io.llmxds.cp.testing.AdsTestClient.CDS;
import static io.llmxds.cp.testing.AdsTestClient.LDS;
import static io.llmxds.cp.testing.AdsTestClient.RDS;
import static io.llmxds.examples.mockllm.MockLlmClient.chat;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.LocalRateLimitDescriptor;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import io.llmxds.common.GatewayIdentity;
import io.llmxds.cp.testing.AdsTestClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/scenarios/rate-limit: 100 requests per minute per consumer, premium unlimited; step 01 raises the limit
 * to 200 and a connected node receives the new token buckets on its open stream, with its listener untouched; step 02
 * changes only a provider, which leaves the routes byte-identical, so Envoy keeps every client's remaining quota.
 * The requests go through the Envoy model ({@link PushedConfigRouter}) with its bucket clock held still, so counts are
 * exact (Envoy refills continuously, docs/envoy-semantics.md L5). Every request carries a consumer's API key; the
 * model authenticates it through the real data-path service (ext_authz, I1–I4), so a client's own identity or tier
 * headers change nothing.
 */
class RateLimitScenarioTest {
  /** The scenario's demo keys (policies/keys; premium's file holds only its hash). */
  private static final String TEAM_A = "sk-llmxds-demo-team-a-7f3c9e21b4d8";
  private static final String TEAM_B = "sk-llmxds-demo-team-b-2a9d41c7e6f0";
  private static final String PREMIUM = "sk-llmxds-demo-premium-5e8b03d2c1a7";
  /** Envoy's largest bucket, refilled every second: what the translation makes of {@code unlimited}. */
  private static final TokenBucket UNLIMITED = bucket(4_294_967_295L, 4_294_967_295L, 1);

  @TempDir Path tmp;

  @Test
  void theLimitGoesFrom100To200PerMinuteOnARunningNodeAndPremiumStaysUnlimited() throws Exception {
    try (ScenarioStack stack = ScenarioStack.start("rate-limit", tmp)) {
      AdsTestClient envoy = stack.connectEnvoy("envoy-1");
      PushedConfigRouter router = new PushedConfigRouter(envoy, new Random(7));
      LocalRateLimit before = PushedConfigRouter.localRateLimit(router.routeForModel("chat"));
      assertThat(bucketOf(before, "default")).isEqualTo(bucket(100, 100, 60));
      assertThat(perKey(before, "default")).as("one bucket per consumer").isTrue();
      assertThat(bucketOf(before, "premium")).isEqualTo(UNLIMITED);
      String listener = envoy.ackedVersion(LDS).orElseThrow();
      String routes = envoy.ackedVersion(RDS).orElseThrow();

      assertThat(stack.steps()).containsExactly("01-raise-limit-to-200", "02-unrelated-provider-change");
      stack.apply("01-raise-limit-to-200");
      stack.live().awaitSynced(envoy);

      LocalRateLimit after = PushedConfigRouter.localRateLimit(router.routeForModel("chat"));
      assertThat(bucketOf(after, "default")).isEqualTo(bucket(200, 200, 60));
      assertThat(perKey(after, "default")).isTrue();
      assertThat(bucketOf(after, "premium")).isEqualTo(UNLIMITED);
      assertThat(after.getTokenBucket()).as("the route's own bucket").isEqualTo(bucket(200, 200, 60));
      // No restart: the same stream took the new routes; the listener (and its connections) stayed as they were.
      assertThat(envoy.streamError()).isEmpty();
      assertThat(envoy.ackedVersion(RDS)).isPresent().isNotEqualTo(Optional.of(routes));
      assertThat(envoy.ackedVersion(LDS)).contains(listener);
      PushedConfigRouter.Served served = send(router, "chat", TEAM_A);
      assertThat(served.status()).isEqualTo(200);
    }
  }

  /** One model route, one budget: its model names are one Envoy route, whose buckets they share (L7). */
  @Test
  void theModelNamesOfARouteShareOneBudget() throws Exception {
    try (ScenarioStack stack = ScenarioStack.start("rate-limit", tmp)) {
      PushedConfigRouter router = new PushedConfigRouter(stack.connectEnvoy("envoy-1"), new Random(7), () -> 0L);
      for (int i = 0; i < 100; i++) {
        assertThat(send(router, i % 2 == 0 ? "chat" : "chat-latest", TEAM_A).status()).as("request %d", i + 1)
            .isEqualTo(200);
      }
      assertThat(send(router, "chat-latest", TEAM_A).status()).isEqualTo(429);
      assertThat(send(router, "chat", TEAM_A).status()).isEqualTo(429);
      assertThat(send(router, "chat", TEAM_B).status()).as("another consumer").isEqualTo(200);
    }
  }

  @Test
  void aChangeThatAltersNoRouteKeepsEveryClientsRemainingQuota() throws Exception {
    try (ScenarioStack stack = ScenarioStack.start("rate-limit", tmp)) {
      AdsTestClient envoy = stack.connectEnvoy("envoy-1");
      PushedConfigRouter router = new PushedConfigRouter(envoy, new Random(7), () -> 0L);
      stack.apply("01-raise-limit-to-200");
      stack.live().awaitSynced(envoy);
      for (int i = 0; i < 150; i++) {
        send(router, "chat", TEAM_B);
      }
      assertThat(send(router, "chat", TEAM_B).headers()).containsEntry("x-ratelimit-remaining", "49");
      String routes = envoy.ackedVersion(RDS).orElseThrow();
      String clusters = envoy.ackedVersion(CDS).orElseThrow();
      String config = stack.configVersion();

      stack.apply("02-unrelated-provider-change");
      stack.live().awaitSynced(envoy);

      assertThat(stack.configVersion()).isNotEqualTo(config);
      assertThat(envoy.ackedVersion(CDS)).as("the provider's cluster changed").isNotEqualTo(Optional.of(clusters));
      assertThat(envoy.ackedVersion(RDS)).as("no route changed: RDS not even pushed").contains(routes);
      for (int i = 0; i < 49; i++) {
        assertThat(send(router, "chat", TEAM_B).status()).as("request %d of the remaining 49", i + 1).isEqualTo(200);
      }
      assertThat(send(router, "chat", TEAM_B).status()).isEqualTo(429);
    }
  }

  /** A change to the route itself builds a new route object, and Envoy starts its buckets full (L7). */
  @Test
  void aChangeToTheRouteStartsItsBucketsAfresh() throws Exception {
    try (ScenarioStack stack = ScenarioStack.start("rate-limit", tmp)) {
      AdsTestClient envoy = stack.connectEnvoy("envoy-1");
      PushedConfigRouter router = new PushedConfigRouter(envoy, new Random(7), () -> 0L);
      for (int i = 0; i < 100; i++) {
        send(router, "chat", TEAM_A);
      }
      assertThat(send(router, "chat", TEAM_A).status()).isEqualTo(429);
      stack.apply("01-raise-limit-to-200");
      stack.live().awaitSynced(envoy);
      assertThat(send(router, "chat", TEAM_A).headers()).containsEntry("x-ratelimit-remaining", "199");
    }
  }

  @Test
  void thePremiumConsumerIsNeverLimited() throws Exception {
    try (ScenarioStack stack = ScenarioStack.start("rate-limit", tmp)) {
      PushedConfigRouter router = new PushedConfigRouter(stack.connectEnvoy("envoy-1"), new Random(7), () -> 0L);
      for (int i = 0; i < 150; i++) {
        assertThat(send(router, "chat", PREMIUM).status()).as("premium request %d", i + 1).isEqualTo(200);
      }
    }
  }

  /** Identity and tier come only from the key: the client's own x-llm-* headers are removed on arrival (I1). */
  @Test
  void spoofedIdentityHeadersChangeNothing() throws Exception {
    try (ScenarioStack stack = ScenarioStack.start("rate-limit", tmp)) {
      PushedConfigRouter router = new PushedConfigRouter(stack.connectEnvoy("envoy-1"), new Random(7), () -> 0L);
      for (int i = 0; i < 100; i++) {
        assertThat(send(router, "chat", TEAM_A, GatewayIdentity.TIER_HEADER, "premium",
            GatewayIdentity.CONSUMER_HEADER, "premium").status()).as("request %d", i + 1).isEqualTo(200);
      }
      PushedConfigRouter.Served spoofed = send(router, "chat", TEAM_A, GatewayIdentity.TIER_HEADER, "premium",
          GatewayIdentity.CONSUMER_HEADER, "premium");
      assertThat(spoofed.status()).as("judged as team-a, of tier default").isEqualTo(429);
      assertThat(send(router, "chat", PREMIUM).status()).as("premium's own budget untouched").isEqualTo(200);
    }
  }

  /** A new random key per request used to get a fresh bucket each; now it is not a key of anyone. */
  @Test
  void rotatingRandomKeysAreRefused() throws Exception {
    try (ScenarioStack stack = ScenarioStack.start("rate-limit", tmp)) {
      PushedConfigRouter router = new PushedConfigRouter(stack.connectEnvoy("envoy-1"), new Random(7), () -> 0L);
      for (int i = 0; i < 5; i++) {
        PushedConfigRouter.Served served = send(router, "chat", "sk-random-" + UUID.randomUUID());
        assertThat(served.status()).isEqualTo(401);
        assertThat(served.headers()).containsEntry("content-type", "application/json");
        assertThat(served.body()).isEqualTo("{\"error\":{\"message\":\"Incorrect API key provided.\","
            + "\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}");
      }
      PushedConfigRouter.Served anonymous = router.send(PushedConfigRouter.Request.chat(chat("chat", false, "hi"),
          GatewayIdentity.CONSUMER_HEADER, "team-a"));
      assertThat(anonymous.status()).as("a consumer header is not a key").isEqualTo(401);
      assertThat(anonymous.body()).contains("\"code\":\"missing_api_key\"");
    }
  }

  /** A chat request with {@code key} as OpenAI SDKs send it, and any other headers. */
  private static PushedConfigRouter.Served send(PushedConfigRouter router, String model, String key,
      String... headerPairs) {
    String[] headers = new String[headerPairs.length + 2];
    headers[0] = "authorization";
    headers[1] = "Bearer " + key;
    System.arraycopy(headerPairs, 0, headers, 2, headerPairs.length);
    return router.send(PushedConfigRouter.Request.chat(chat(model, false, "hi"), headers));
  }

  /** The token bucket of the descriptor whose {@code tier} entry is {@code tier}. */
  private static TokenBucket bucketOf(LocalRateLimit config, String tier) {
    return descriptor(config, tier).getTokenBucket();
  }

  /** True when the descriptor counts per consumer: its {@code consumer} entry has no fixed value. */
  private static boolean perKey(LocalRateLimit config, String tier) {
    return descriptor(config, tier).getEntriesList().stream()
        .anyMatch(e -> e.getKey().equals("consumer") && e.getValue().isEmpty());
  }

  private static LocalRateLimitDescriptor descriptor(LocalRateLimit config, String tier) {
    List<LocalRateLimitDescriptor> matching = config.getDescriptorsList().stream()
        .filter(d -> d.getEntriesList().stream().anyMatch(e -> e.getKey().equals("tier") && e.getValue().equals(tier)))
        .toList();
    assertThat(matching).as("descriptors of tier %s", tier).hasSize(1);
    return matching.get(0);
  }

  private static TokenBucket bucket(long maxTokens, long tokensPerFill, long fillSeconds) {
    return TokenBucket.newBuilder()
        .setMaxTokens((int) maxTokens)
        .setTokensPerFill(UInt32Value.of((int) tokensPerFill))
        .setFillInterval(Duration.newBuilder().setSeconds(fillSeconds))
        .build();
  }
}
