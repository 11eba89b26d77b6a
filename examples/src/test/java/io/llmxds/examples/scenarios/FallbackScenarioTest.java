package io.llmxds.examples.scenarios;

import static io.llmxds.cp.testing.AdsTestClient.CDS;
import static io.llmxds.cp.testing.AdsTestClient.RDS;
import static io.llmxds.examples.mockllm.MockLlmClient.chat;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.llmxds.cp.testing.AdsTestClient;
import io.llmxds.examples.mockllm.MockLlmClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/scenarios/fallback: mock-a serves chat as mock-model-a; a try mock-a fails is retried on mock-fallback,
 * which is sent its own model name; step 01 renames that model, pushed as routes only. Also shows that a body-only
 * request gets its route's own context policy although Envoy opens its ext_proc stream on the catch-all
 * (docs/envoy-semantics.md X3). The requests go through the Envoy model ({@link PushedConfigRouter}) and the real
 * context service, configured by the real control plane.
 */
class FallbackScenarioTest {
  private static final String STEP = "01-new-fallback-model";
  private static final String FAIL_ON = "x-mock-fail-on";

  @TempDir Path tmp;

  @Test
  void eachTryIsSentItsOwnProvidersModelAndARenameIsPushedAsRoutesOnly() throws Exception {
    try (ScenarioStack stack = ScenarioStack.start("fallback", tmp)) {
      AdsTestClient envoy = stack.connectEnvoy("envoy-1");
      PushedConfigRouter router = new PushedConfigRouter(envoy, new Random(3));

      PushedConfigRouter.Served plain = router.send(PushedConfigRouter.Request.chat(chat("chat", false, "hi")));
      assertThat(plain.status()).as(plain.body()).isEqualTo(200);
      assertThat(plain.tries()).extracting(UpstreamTries.Try::provider, UpstreamTries.Try::model)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("mock-a", "mock-model-a"));

      PushedConfigRouter.Served failedOver = failMockA(router);
      assertThat(failedOver.status()).as(failedOver.body()).isEqualTo(200);
      assertThat(failedOver.headers()).containsEntry("x-llm-backend", "mock-fallback");
      assertThat(failedOver.tries()).extracting(UpstreamTries.Try::provider, UpstreamTries.Try::model,
          UpstreamTries.Try::status).containsExactly(
              org.assertj.core.groups.Tuple.tuple("mock-a", "mock-model-a", 503),
              org.assertj.core.groups.Tuple.tuple("mock-fallback", "mock-model-fallback", 200));
      assertThat(echoedModel(failedOver)).as("the fallback's own name").isEqualTo("mock-model-fallback");

      String clusters = envoy.ackedVersion(CDS).orElseThrow();
      String routes = envoy.ackedVersion(RDS).orElseThrow();
      assertThat(stack.steps()).containsExactly(STEP);
      stack.apply(STEP);
      stack.live().awaitSynced(envoy);
      assertThat(envoy.ackedVersion(CDS)).as("the model names live in the route").contains(clusters);
      assertThat(envoy.ackedVersion(RDS)).isNotEqualTo(Optional.of(routes));
      assertThat(echoedModel(failMockA(router))).isEqualTo("mock-model-fallback-2");
    }
  }

  /**
   * chat and assistant have the same fallback chain (mock-a, then mock-fallback): one aggregate cluster serves both
   * routes, and a try that fell over is still sent the fallback model of the route that matched — it comes from
   * that route's metadata, never from the shared cluster.
   */
  @Test
  void routesWithTheSameChainShareOneAggregateAndEachTrySendsItsRoutesModel() throws Exception {
    try (ScenarioStack stack = ScenarioStack.start("fallback", tmp)) {
      AdsTestClient envoy = stack.connectEnvoy("envoy-1");
      PushedConfigRouter router = new PushedConfigRouter(envoy, new Random(3));
      assertThat(envoy.acked(CDS, Cluster.class)).extracting(Cluster::getName)
          .filteredOn(name -> name.startsWith("fallback/"))
          .containsExactly("fallback/mock-a/mock-fallback");

      PushedConfigRouter.Served chat = failMockA(router, "chat");
      PushedConfigRouter.Served assistant = failMockA(router, "assistant");
      assertThat(List.of(chat, assistant)).extracting(served -> served.route().getRoute().getWeightedClusters()
          .getClusters(0).getName()).containsOnly("fallback/mock-a/mock-fallback");
      assertThat(chat.tries()).extracting(UpstreamTries.Try::provider, UpstreamTries.Try::model).containsExactly(
          org.assertj.core.groups.Tuple.tuple("mock-a", "mock-model-a"),
          org.assertj.core.groups.Tuple.tuple("mock-fallback", "mock-model-fallback"));
      assertThat(assistant.tries()).extracting(UpstreamTries.Try::provider, UpstreamTries.Try::model)
          .as("not renamed for mock-a; its own name for the fallback").containsExactly(
              org.assertj.core.groups.Tuple.tuple("mock-a", "assistant"),
              org.assertj.core.groups.Tuple.tuple("mock-fallback", "mock-model-assistant-fallback"));
      assertThat(echoedModel(assistant)).isEqualTo("mock-model-assistant-fallback");
    }
  }

  /**
   * Envoy opens the ext_proc stream on the route it matched before the model is read from the body (X3): for a
   * body-only client (every OpenAI SDK) that is the catch-all. The context service picks the policy by the body's
   * model from its own table, so each route's policy applies: chat's chat-memory (x-conversation-id, 4 turns) and
   * assistant's Gateway default (x-session-id, 20 turns).
   */
  @Test
  void aBodyOnlyRequestGetsItsRoutesOwnContextPolicy() throws Exception {
    try (ScenarioStack stack = ScenarioStack.start("fallback", tmp)) {
      PushedConfigRouter router = new PushedConfigRouter(stack.connectEnvoy("envoy-1"), new Random(3));

      List<Integer> chat = new ArrayList<>();
      List<Integer> chatUnderTheDefaultsHeader = new ArrayList<>();
      List<Integer> assistant = new ArrayList<>();
      for (int turn = 0; turn < 5; turn++) {
        chat.add(received(router, "chat", "x-conversation-id", "c-1"));
        chatUnderTheDefaultsHeader.add(received(router, "chat", "x-session-id", "s-1"));
        assistant.add(received(router, "assistant", "x-session-id", "s-2"));
      }
      assertThat(chat).as("chat-memory: its session header, at most 4 messages injected")
          .containsExactly(1, 3, 5, 5, 5);
      assertThat(chatUnderTheDefaultsHeader).as("x-session-id is not chat's session header")
          .containsExactly(1, 1, 1, 1, 1);
      assertThat(assistant).as("the Gateway's default: 20 messages").containsExactly(1, 3, 5, 7, 9);
    }
  }

  /** Sends one body-only message for {@code model} in session {@code value} of {@code header}: messages received. */
  private static int received(PushedConfigRouter router, String model, String header, String value)
      throws java.io.IOException {
    PushedConfigRouter.Served served = router.send(PushedConfigRouter.Request.chat(chat(model, false, "hi"),
        header, value));
    assertThat(served.status()).as(served.body()).isEqualTo(200);
    assertThat(served.firstMatch().getName()).as("the stream's route").isEqualTo("unknown-model");
    assertThat(served.route().getName()).as("re-picked by the body's model").isEqualTo(model);
    String text = MockLlmClient.JSON.readTree(served.body()).path("choices").path(0).path("message").path("content")
        .asText();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("received (\\d+) messages?").matcher(text);
    assertThat(m.find()).as(text).isTrue();
    return Integer.parseInt(m.group(1));
  }

  private static PushedConfigRouter.Served failMockA(PushedConfigRouter router) {
    return failMockA(router, "chat");
  }

  private static PushedConfigRouter.Served failMockA(PushedConfigRouter router, String model) {
    return router.send(PushedConfigRouter.Request.chat(chat(model, false, "hi"), FAIL_ON, "mock-a"));
  }

  private static String echoedModel(PushedConfigRouter.Served served) throws java.io.IOException {
    return MockLlmClient.JSON.readTree(served.body()).path("model").asText();
  }
}
