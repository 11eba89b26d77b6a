package io.llmxds.examples.scenarios;

import static io.llmxds.cp.testing.AdsTestClient.CDS;
import static io.llmxds.cp.testing.AdsTestClient.LDS;
import static io.llmxds.cp.testing.AdsTestClient.RDS;
import static io.llmxds.examples.mockllm.MockLlmClient.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimitPerRoute;
import io.llmxds.common.GatewayIdentity;
import io.llmxds.common.GlobalRateLimits;
import io.llmxds.cp.testing.AdsTestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/scenarios/rate-limit on global limits: 100 requests per minute per consumer, premium unlimited, counted once
 * for two Envoys (two {@link PushedConfigRouter}s, each its own ADS node, calling the one data-path service's
 * rate-limit service, which counts in the scenario's Redis); step 01 raises the limit to 200 — a change of the
 * service's limit table only, the Envoys' routes stay byte-identical — and every consumer keeps what it used; step 02 changes only a provider and no counter moves. Every request carries a
 * consumer's API key, authenticated through the real data-path service (ext_authz, I1–I4). The service counts in
 * fixed one-minute windows aligned to the epoch, so each count starts where at least 30 s of its window are left.
 */
class RateLimitScenarioTest {
  /** The scenario's demo keys (policies/keys; premium's file holds only its hash). */
  private static final String TEAM_A = "sk-llmxds-demo-team-a-7f3c9e21b4d8";
  private static final String TEAM_B = "sk-llmxds-demo-team-b-2a9d41c7e6f0";
  private static final String PREMIUM = "sk-llmxds-demo-premium-5e8b03d2c1a7";
  private static final String FILTER = "llm-xds.ratelimit.fail-open";

  @TempDir Path tmp;

  @Test
  void theLimitGoesFrom100To200OnRunningNodesCountedOnceForBothAndPremiumStaysUnlimited() throws Exception {
    try (ScenarioStack stack = ScenarioStack.start("rate-limit", tmp)) {
      AdsTestClient envoy1 = stack.connectEnvoy("envoy-1");
      AdsTestClient envoy2 = stack.connectEnvoy("envoy-2");
      PushedConfigRouter one = new PushedConfigRouter(envoy1, new Random(7));
      PushedConfigRouter two = new PushedConfigRouter(envoy2, new Random(8));
      try {
        assertThat(perRoute(one).getRateLimitsList()).as("the request, then the input and output charges")
            .extracting(io.envoyproxy.envoy.config.route.v3.RateLimit::getApplyOnStreamDone)
            .containsExactly(false, true, true);
        String listener = envoy1.ackedVersion(LDS).orElseThrow();
        String routes = envoy1.ackedVersion(RDS).orElseThrow();
        awaitRoomInTheWindow();
        assertThat(statuses(List.of(one, two), 120, TEAM_A)).as("team-a over both Envoys")
            .containsExactly(100, 20);
        assertThat(statuses(List.of(one, two), 150, PREMIUM)).as("premium").containsExactly(150, 0);

        assertThat(stack.steps()).containsExactly("01-raise-limit-to-200", "02-unrelated-provider-change");
        stack.apply("01-raise-limit-to-200");
        stack.awaitContextService();
        stack.live().awaitSynced(envoy1);
        stack.live().awaitSynced(envoy2);
        // The amount lives in the service's limit table only: the Envoys' routes and listener stay byte-identical.
        assertThat(envoy1.streamError()).isEmpty();
        assertThat(envoy1.ackedVersion(RDS)).as("no route changed").contains(routes);
        assertThat(envoy1.ackedVersion(LDS)).as("the listener untouched").contains(listener);
        // The counter of this minute is kept: team-a used 100 (the 20 refused are not counted), 100 are left.
        assertThat(statuses(List.of(two, one), 101, TEAM_A)).as("team-a after the raise").containsExactly(100, 1);
        assertThat(statuses(List.of(one, two), 60, PREMIUM)).containsExactly(60, 0);
      } finally {
        one.close();
        two.close();
      }
    }
  }

  @Test
  void aChangeThatAltersNoLimitKeepsEveryCounter() throws Exception {
    try (ScenarioStack stack = ScenarioStack.start("rate-limit", tmp)) {
      AdsTestClient envoy = stack.connectEnvoy("envoy-1");
      PushedConfigRouter router = new PushedConfigRouter(envoy, new Random(7));
      try {
        awaitRoomInTheWindow();
        for (int i = 0; i < 50; i++) {
          assertThat(send(router, "chat", TEAM_B).status()).isEqualTo(200);
        }
        PushedConfigRouter.Served fifty = send(router, "chat", TEAM_B);
        assertThat(fifty.headers()).containsEntry("x-ratelimit-limit-requests", "100")
            .containsEntry("x-ratelimit-remaining-requests", "49");
        String routes = envoy.ackedVersion(RDS).orElseThrow();
        String clusters = envoy.ackedVersion(CDS).orElseThrow();

        stack.apply("02-unrelated-provider-change");
        stack.awaitContextService();
        stack.live().awaitSynced(envoy);

        assertThat(envoy.ackedVersion(CDS)).as("the provider's cluster changed").isNotEqualTo(Optional.of(clusters));
        assertThat(envoy.ackedVersion(RDS)).as("no route changed").contains(routes);
        assertThat(statuses(List.of(router), 50, TEAM_B)).as("the 49 left, then refused").containsExactly(49, 1);
      } finally {
        router.close();
      }
    }
  }

  /** Over the limit, the client gets the service's answer as it sent it: OpenAI's JSON error and headers (RL7). */
  @Test
  void theRefusalIsOpenAisJsonWithItsHeadersAndTheModelNamesOfARouteShareOneCounter() throws Exception {
    try (ScenarioStack stack = ScenarioStack.start("rate-limit", tmp)) {
      PushedConfigRouter router = new PushedConfigRouter(stack.connectEnvoy("envoy-1"), new Random(7));
      try {
        awaitRoomInTheWindow();
        for (int i = 0; i < 100; i++) {
          assertThat(send(router, i % 2 == 0 ? "chat" : "chat-latest", TEAM_A).status()).as("request %d", i + 1)
              .isEqualTo(200);
        }
        PushedConfigRouter.Served refused = send(router, "chat-latest", TEAM_A);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.headers()).containsEntry("content-type", "application/json")
            .containsEntry("x-ratelimit-limit-requests", "100")
            .containsEntry("x-ratelimit-remaining-requests", "0")
            .containsKey("x-ratelimit-reset-requests")
            .containsKey("retry-after")
            .doesNotContainKey("x-envoy-ratelimited");
        assertThat(refused.body()).startsWith("{\"error\":{\"message\":\"Rate limit reached on chat for requests per "
            + "60s: limit 100, used 100.").endsWith("\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}");
        assertThat(send(router, "chat", TEAM_B).status()).as("another consumer").isEqualTo(200);
      } finally {
        router.close();
      }
    }
  }

  /**
   * The tokens of each answer are charged when its stream is done (RL4, RL5), from the usage the context service wrote
   * into dynamic metadata (X18): the next answer's headers show exactly that many fewer tokens left.
   */
  @Test
  void eachAnswersTokensAreChargedWhenItIsDone() throws Exception {
    try (ScenarioStack stack = ScenarioStack.start("rate-limit", tmp)) {
      PushedConfigRouter router = new PushedConfigRouter(stack.connectEnvoy("envoy-1"), new Random(7));
      try {
        awaitRoomInTheWindow();
        PushedConfigRouter.Served first = send(router, "chat", TEAM_A);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.headers()).as("checked before any charge").containsEntry("x-ratelimit-limit-tokens", "100000")
            .containsEntry("x-ratelimit-remaining-tokens", "100000");
        long used = totalTokens(first.body());
        assertThat(used).isPositive();
        PushedConfigRouter.Served second = send(router, "chat", TEAM_A);
        assertThat(second.headers()).containsEntry("x-ratelimit-remaining-tokens", Long.toString(100_000 - used));
        PushedConfigRouter.Served third = send(router, "chat", TEAM_B);
        assertThat(third.headers()).as("another consumer's own counter")
            .containsEntry("x-ratelimit-remaining-tokens", "100000");
      } finally {
        router.close();
      }
    }
  }

  private static long totalTokens(String answer) throws java.io.IOException {
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer).path("usage").path("total_tokens")
        .asLong();
  }

  /** Identity and tier come only from the key: the client's own x-llm-* headers are removed on arrival (I1). */
  @Test
  void spoofedIdentityHeadersChangeNothing() throws Exception {
    try (ScenarioStack stack = ScenarioStack.start("rate-limit", tmp)) {
      PushedConfigRouter router = new PushedConfigRouter(stack.connectEnvoy("envoy-1"), new Random(7));
      try {
        awaitRoomInTheWindow();
        for (int i = 0; i < 100; i++) {
          assertThat(send(router, "chat", TEAM_A, GatewayIdentity.TIER_HEADER, "premium",
              GatewayIdentity.CONSUMER_HEADER, "premium").status()).as("request %d", i + 1).isEqualTo(200);
        }
        PushedConfigRouter.Served spoofed = send(router, "chat", TEAM_A, GatewayIdentity.TIER_HEADER, "premium",
            GatewayIdentity.CONSUMER_HEADER, "premium");
        assertThat(spoofed.status()).as("judged as team-a, of tier default").isEqualTo(429);
        assertThat(send(router, "chat", PREMIUM).status()).as("premium's own counter untouched").isEqualTo(200);
      } finally {
        router.close();
      }
    }
  }

  /** A new random key per request used to get a fresh bucket each; now it is not a key of anyone. */
  @Test
  void rotatingRandomKeysAreRefused() throws Exception {
    try (ScenarioStack stack = ScenarioStack.start("rate-limit", tmp)) {
      PushedConfigRouter router = new PushedConfigRouter(stack.connectEnvoy("envoy-1"), new Random(7));
      try {
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
      } finally {
        router.close();
      }
    }
  }

  /** The descriptors the chat route sends: the contract's entries, the consumer and tier from ext_authz's headers. */
  private static RateLimitPerRoute perRoute(PushedConfigRouter router) {
    RateLimitPerRoute perRoute = PushedConfigRouter.unpack(
        router.routeForModel("chat").getTypedPerFilterConfigMap().get(FILTER), RateLimitPerRoute.class);
    assertThat(perRoute.getRateLimits(0).getActionsList()).extracting(a -> a.hasGenericKey()
            ? a.getGenericKey().getDescriptorKey() + "=" + a.getGenericKey().getDescriptorValue()
            : a.getRequestHeaders().getDescriptorKey() + "<-" + a.getRequestHeaders().getHeaderName())
        .containsExactly(GlobalRateLimits.LIMIT_ENTRY + "=default", GlobalRateLimits.ROUTE_ENTRY + "=chat",
            GlobalRateLimits.CONSUMER_ENTRY + "<-" + GatewayIdentity.CONSUMER_HEADER,
            GlobalRateLimits.TIER_ENTRY + "<-" + GatewayIdentity.TIER_HEADER,
            GlobalRateLimits.CHARGE_ENTRY + "=" + GlobalRateLimits.CHARGE_REQUEST);
    return perRoute;
  }

  /** Waits (at most 30 s) until at least 30 s of the current one-minute window are left. */
  private static void awaitRoomInTheWindow() {
    await().atMost(Duration.ofSeconds(31)).pollInterval(Duration.ofMillis(200))
        .until(() -> Instant.now().getEpochSecond() % 60 < 30);
  }

  /** {@code count} chat requests with {@code key}, round-robin over the routers: [200s, 429s]. */
  private static List<Integer> statuses(List<PushedConfigRouter> routers, int count, String key) {
    int ok = 0;
    int refused = 0;
    for (int i = 0; i < count; i++) {
      int status = send(routers.get(i % routers.size()), "chat", key).status();
      if (status == 200) {
        ok++;
      } else if (status == 429) {
        refused++;
      } else {
        throw new AssertionError("request " + (i + 1) + ": status " + status);
      }
    }
    return List.of(ok, refused);
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
}
