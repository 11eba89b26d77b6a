package io.llmxds.examples.scenarios;

import static io.llmxds.examples.mockllm.MockLlmClient.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.llmxds.cp.testing.AdsTestClient;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/scenarios/ab-split: chat 90/10 between mock-a and mock-b, a hot swap to 0/100, a rollback to 90/10. A
 * router that follows the node's ACKed config sends 100 requests per phase to the real mocks, counted by the
 * {@code x-llm-backend} header they answer with.
 */
class AbSplitScenarioTest {
  private static final int REQUESTS = 100;
  private static final String A = "fallback/mock-a/mock-fallback";
  private static final String B = "fallback/mock-b/mock-fallback";

  @TempDir Path tmp;

  @Test
  void ninetyTenThenEverythingToMockBThenBackWithTheOriginalVersion() throws Exception {
    try (ScenarioStack stack = ScenarioStack.start("ab-split", tmp)) {
      AdsTestClient envoy = stack.connectEnvoy("envoy-1");
      // Seeded: the counts are reproducible, and the bounds hold for any seed but once in ~10^4 runs.
      PushedConfigRouter router = new PushedConfigRouter(envoy, new Random(42));
      String original = stack.configVersion();
      assertThat(stack.steps()).containsExactly("01-all-traffic-to-mock-b", "02-rollback-to-90-10");

      assertThat(PushedConfigRouter.weights(router.routeForModel("chat"))).containsExactly(entry(A, 90), entry(B, 10));
      Map<String, Integer> before = send(router);
      assertThat(before.get("mock-a")).isBetween(75, 99);
      assertThat(before.get("mock-b")).isBetween(1, 25);

      stack.apply("01-all-traffic-to-mock-b");
      stack.live().awaitSynced(envoy);
      assertThat(PushedConfigRouter.weights(router.routeForModel("chat"))).containsExactly(entry(A, 0), entry(B, 100));
      long mockARequests = stack.mock("mock-a").requests();
      assertThat(send(router)).containsExactly(entry("mock-b", REQUESTS));
      assertThat(stack.mock("mock-a").requests()).as("mock-a after the swap").isEqualTo(mockARequests);

      stack.apply("02-rollback-to-90-10");
      stack.live().awaitSynced(envoy);
      assertThat(stack.configVersion()).as("same content, same version").isEqualTo(original);
      assertThat(PushedConfigRouter.weights(router.routeForModel("chat"))).containsExactly(entry(A, 90), entry(B, 10));
      Map<String, Integer> after = send(router);
      assertThat(after.get("mock-a")).isBetween(75, 99);
      assertThat(after.get("mock-b")).isBetween(1, 25);
    }
  }

  /** Sends {@link #REQUESTS} chat requests on the chat route; counts them by the backend that answered. */
  private static Map<String, Integer> send(PushedConfigRouter router) {
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < REQUESTS; i++) {
      PushedConfigRouter.Served served = router.send(PushedConfigRouter.Request.chat(chat("chat", false, "hi")));
      assertThat(served.status()).as(served.body()).isEqualTo(200);
      String backend = served.headers().get("x-llm-backend");
      counts.merge(backend, 1, Integer::sum);
    }
    return counts;
  }
}
