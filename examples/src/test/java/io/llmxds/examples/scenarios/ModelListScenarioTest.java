package io.llmxds.examples.scenarios;

import static io.llmxds.examples.mockllm.MockLlmClient.chat;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.UnauthorizedException;
import com.openai.models.models.Model;
import io.llmxds.cp.testing.AdsTestClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/scenarios/model-list: {@code GET /v1/models} is answered by the Envoy model from the routes the node
 * ACKed — no provider sees it — and lists exactly the models of the current config before and after a reload; the
 * official OpenAI Java client's {@code models().list()} parses it. With Consumers (the rate-limit scenario's stack) a
 * key gets its list, a request without one is refused by ext_authz.
 */
class ModelListScenarioTest {
  /** A demo key of the rate-limit scenario (policies/keys/team-a). */
  private static final String TEAM_A = "sk-llmxds-demo-team-a-7f3c9e21b4d8";

  @TempDir Path tmp;

  @Test
  void theListHasExactlyTheModelsOfTheCurrentConfigBeforeAndAfterAReload() throws Exception {
    try (ScenarioStack stack = ScenarioStack.start("model-list", tmp)) {
      AdsTestClient envoy = stack.connectEnvoy("envoy-1");
      PushedConfigRouter router = new PushedConfigRouter(envoy, new Random(5));
      assertThat(stack.steps()).containsExactly("01-add-a-model-and-an-alias");
      try (RouterHttpFront front = RouterHttpFront.start(router)) {
        OpenAIClient client = client(front, "sk-anything");
        long upstream = stack.mock("mock-a").requests() + stack.mock("mock-b").requests();

        PushedConfigRouter.Served list = router.send(listModels());
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.headers()).containsEntry("content-type", "application/json");
        assertThat(list.body()).isEqualTo(
            "{\"object\":\"list\",\"data\":[{\"id\":\"chat\",\"object\":\"model\",\"created\":0,\"owned_by\":\"mock-a\"}]}");
        assertThat(ids(client)).containsExactly("chat");

        stack.apply("01-add-a-model-and-an-alias");
        stack.live().awaitSynced(envoy);
        assertThat(ids(client)).containsExactly("chat", "chat-latest", "summarize");
        Model summarize = client.models().list().items().get(2);
        assertThat(summarize.ownedBy()).isEqualTo("mock-b");
        assertThat(summarize.created()).isZero();
        assertThat(summarize._object_()).isEqualTo(JsonValue.from("model"));
        assertThat(stack.mock("mock-a").requests() + stack.mock("mock-b").requests())
            .as("no list request reached a provider").isEqualTo(upstream);
        assertThat(router.send(PushedConfigRouter.Request.chat(chat("chat-latest", false, "hi"))).status())
            .as("the listed alias is served").isEqualTo(200);
      }
    }
  }

  @Test
  void withConsumersAKeyGetsItsListAndNoKeyIsRefused() throws Exception {
    try (ScenarioStack stack = ScenarioStack.start("rate-limit", tmp)) {
      PushedConfigRouter router = new PushedConfigRouter(stack.connectEnvoy("envoy-1"), new Random(5));
      try (RouterHttpFront front = RouterHttpFront.start(router)) {
        assertThat(ids(client(front, TEAM_A))).containsExactly("chat", "chat-latest");
        Assertions.assertThatThrownBy(() -> client(front, "sk-made-up").models().list())
            .isInstanceOf(UnauthorizedException.class);
      }
      PushedConfigRouter.Served anonymous = router.send(listModels());
      assertThat(anonymous.status()).isEqualTo(401);
      assertThat(anonymous.body()).doesNotContain("chat");
    }
  }

  private static PushedConfigRouter.Request listModels() {
    return new PushedConfigRouter.Request(Map.of(":method", "GET", ":path", "/v1/models"), null);
  }

  private static OpenAIClient client(RouterHttpFront front, String apiKey) {
    return OpenAIOkHttpClient.builder().baseUrl(front.openAiBaseUrl()).apiKey(apiKey).maxRetries(0).build();
  }

  private static List<String> ids(OpenAIClient client) {
    return client.models().list().items().stream().map(m -> m.validate().id()).toList();
  }
}
