package io.llmxds.examples.scenarios;

import static io.llmxds.cp.testing.AdsTestClient.LDS;
import static io.llmxds.cp.testing.AdsTestClient.RDS;
import static io.llmxds.examples.mockllm.MockLlmClient.chat;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.LocalRateLimitDescriptor;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import io.llmxds.cp.testing.AdsTestClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/scenarios/rate-limit: 100 requests per minute per x-api-key, premium unlimited; the step raises the limit
 * to 200 and a connected node receives the new token buckets on its open stream, with its listener untouched.
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
      assertThat(perKey(before, "default")).as("one bucket per x-api-key value").isTrue();
      assertThat(bucketOf(before, "premium")).isEqualTo(UNLIMITED);
      String listener = envoy.ackedVersion(LDS).orElseThrow();
      String routes = envoy.ackedVersion(RDS).orElseThrow();

      assertThat(stack.steps()).containsExactly("01-raise-limit-to-200");
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
      PushedConfigRouter.Served served = router.forward(router.routeForModel("chat"), chat("chat", false, "hi"));
      assertThat(served.response().statusCode()).isEqualTo(200);
    }
  }

  /** The token bucket of the descriptor whose {@code tier} entry is {@code tier}. */
  private static TokenBucket bucketOf(LocalRateLimit config, String tier) {
    return descriptor(config, tier).getTokenBucket();
  }

  /** True when the descriptor counts per value of the key header: its {@code key} entry has no fixed value. */
  private static boolean perKey(LocalRateLimit config, String tier) {
    return descriptor(config, tier).getEntriesList().stream()
        .anyMatch(e -> e.getKey().equals("key") && e.getValue().isEmpty());
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
