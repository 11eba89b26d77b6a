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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/scenarios/rate-limit: 100 requests per minute per consumer, premium unlimited; step 01 raises the limit
 * to 200 and a connected node receives the new token buckets on its open stream, with its listener untouched; step 02
 * changes only a provider, which leaves the routes byte-identical, so Envoy keeps every client's remaining quota.
 * The requests go through the Envoy model ({@link PushedConfigRouter}) with its bucket clock held still, so counts are
 * exact (Envoy refills continuously, docs/envoy-semantics.md L5). The requests carry the consumer header as the
 * gateway's ext_authz sets it for an authenticated consumer (I2); the Envoy model does not authenticate.
 */
class RateLimitScenarioTest {
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
      PushedConfigRouter.Served served = router.send(PushedConfigRouter.Request.chat(chat("chat", false, "hi")));
      assertThat(served.status()).isEqualTo(200);
    }
  }

  /** One model route, one budget: its model names are one Envoy route, whose buckets they share (L7). */
  @Test
  void theModelNamesOfARouteShareOneBudget() throws Exception {
    try (ScenarioStack stack = ScenarioStack.start("rate-limit", tmp)) {
      PushedConfigRouter router = new PushedConfigRouter(stack.connectEnvoy("envoy-1"), new Random(7), () -> 0L);
      for (int i = 0; i < 100; i++) {
        assertThat(send(router, i % 2 == 0 ? "chat" : "chat-latest", "key-1").status()).as("request %d", i + 1)
            .isEqualTo(200);
      }
      assertThat(send(router, "chat-latest", "key-1").status()).isEqualTo(429);
      assertThat(send(router, "chat", "key-1").status()).isEqualTo(429);
      assertThat(send(router, "chat", "key-2").status()).as("another consumer").isEqualTo(200);
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
        send(router, "chat", "key-2");
      }
      assertThat(send(router, "chat", "key-2").headers()).containsEntry("x-ratelimit-remaining", "49");
      String routes = envoy.ackedVersion(RDS).orElseThrow();
      String clusters = envoy.ackedVersion(CDS).orElseThrow();
      String config = stack.configVersion();

      stack.apply("02-unrelated-provider-change");
      stack.live().awaitSynced(envoy);

      assertThat(stack.configVersion()).isNotEqualTo(config);
      assertThat(envoy.ackedVersion(CDS)).as("the provider's cluster changed").isNotEqualTo(Optional.of(clusters));
      assertThat(envoy.ackedVersion(RDS)).as("no route changed: RDS not even pushed").contains(routes);
      for (int i = 0; i < 49; i++) {
        assertThat(send(router, "chat", "key-2").status()).as("request %d of the remaining 49", i + 1).isEqualTo(200);
      }
      assertThat(send(router, "chat", "key-2").status()).isEqualTo(429);
    }
  }

  /** A change to the route itself builds a new route object, and Envoy starts its buckets full (L7). */
  @Test
  void aChangeToTheRouteStartsItsBucketsAfresh() throws Exception {
    try (ScenarioStack stack = ScenarioStack.start("rate-limit", tmp)) {
      AdsTestClient envoy = stack.connectEnvoy("envoy-1");
      PushedConfigRouter router = new PushedConfigRouter(envoy, new Random(7), () -> 0L);
      for (int i = 0; i < 100; i++) {
        send(router, "chat", "key-1");
      }
      assertThat(send(router, "chat", "key-1").status()).isEqualTo(429);
      stack.apply("01-raise-limit-to-200");
      stack.live().awaitSynced(envoy);
      assertThat(send(router, "chat", "key-1").headers()).containsEntry("x-ratelimit-remaining", "199");
    }
  }

  private static PushedConfigRouter.Served send(PushedConfigRouter router, String model, String consumer) {
    return router.send(PushedConfigRouter.Request.chat(chat(model, false, "hi"), GatewayIdentity.CONSUMER_HEADER,
        consumer));
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
