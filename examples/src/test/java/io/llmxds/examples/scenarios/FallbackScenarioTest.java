package io.llmxds.examples.scenarios;

import static io.llmxds.cp.testing.AdsTestClient.CDS;
import static io.llmxds.cp.testing.AdsTestClient.RDS;
import static io.llmxds.examples.mockllm.MockLlmClient.chat;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmxds.common.ContextPolicyMetadata;
import io.llmxds.cp.testing.AdsTestClient;
import io.llmxds.examples.mockllm.MockLlmClient;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/scenarios/fallback: mock-a serves chat as mock-model-a; a try mock-a fails is retried on mock-fallback,
 * which is sent its own model name; step 01 renames that model, pushed as routes only. Also shows which context
 * policy a request's ext_proc stream gets, which depends on the route Envoy matched first (docs/envoy-semantics.md
 * X3). The requests go through the Envoy model ({@link PushedConfigRouter}) and the real context service.
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
   * Envoy opens the ext_proc stream with the route it matched on the client's headers, before the model is read
   * from the body (X3): a body-only client (every OpenAI SDK) gets the catch-all route's policy, the Gateway default;
   * a client that sends {@code x-llm-model} gets its route's own. The data-path config over xDS removes this limit.
   */
  @Test
  void theContextPolicyOfARequestIsThatOfTheRouteEnvoyMatchedFirst() throws Exception {
    try (ScenarioStack stack = ScenarioStack.start("fallback", tmp)) {
      PushedConfigRouter router = new PushedConfigRouter(stack.connectEnvoy("envoy-1"), new Random(3));

      PushedConfigRouter.Served bodyOnly = router.send(PushedConfigRouter.Request.chat(chat("chat", false, "hi")));
      assertThat(bodyOnly.firstMatch().getName()).isEqualTo("unknown-model");
      assertThat(bodyOnly.route().getName()).as("re-picked by the body's model").isEqualTo("chat");
      assertThat(bodyOnly.extProcMetadata())
          .containsEntry(ContextPolicyMetadata.ROUTE, "unknown-model")
          .containsEntry(ContextPolicyMetadata.POLICY, "default")
          .containsEntry(ContextPolicyMetadata.SESSION_HEADER, "x-session-id");

      PushedConfigRouter.Served withHeader = router.send(PushedConfigRouter.Request.chat(chat("chat", false, "hi"),
          "x-llm-model", "chat"));
      assertThat(withHeader.firstMatch().getName()).isEqualTo("chat");
      assertThat(withHeader.extProcMetadata())
          .containsEntry(ContextPolicyMetadata.ROUTE, "chat")
          .containsEntry(ContextPolicyMetadata.POLICY, "chat-memory")
          .containsEntry(ContextPolicyMetadata.SESSION_HEADER, "x-conversation-id")
          .containsEntry(ContextPolicyMetadata.MAX_TURNS, "4");
    }
  }

  private static PushedConfigRouter.Served failMockA(PushedConfigRouter router) {
    return router.send(PushedConfigRouter.Request.chat(chat("chat", false, "hi"), FAIL_ON, "mock-a"));
  }

  private static String echoedModel(PushedConfigRouter.Served served) throws java.io.IOException {
    return MockLlmClient.JSON.readTree(served.body()).path("model").asText();
  }
}
