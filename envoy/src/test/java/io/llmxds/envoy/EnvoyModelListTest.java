package io.llmxds.envoy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.UnauthorizedException;
import com.openai.models.models.Model;
import io.llmxds.envoy.EdgePolicies.TestConsumer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/models} answered by Envoy itself (docs/translation.md "Model list"; docs/envoy-semantics.md R6,
 * R7): the official OpenAI Java client's {@code models().list()} parses it; each consumer gets the models of the
 * routes it may call; the list follows a reload; no provider ever sees the request; no key is a 401.
 */
class EnvoyModelListTest extends EnvoyEndToEnd {

  private static final TestConsumer CHAT_ONLY = new TestConsumer("chat-only", "default", List.of("chat"),
      "sk-model-list-chat-only-61c2");
  private static final TestConsumer EVERY_ROUTE = new TestConsumer("every-route", "default", List.of(),
      "sk-model-list-every-route-0e7a");

  @Override
  List<TestConsumer> consumers() {
    return List.of(CHAT_ONLY, EVERY_ROUTE);
  }

  @Test
  void eachConsumerGetsTheModelsOfItsRoutesInOpenAisFormat() {
    assertThat(ids(CHAT_ONLY)).containsExactly("chat", "gpt-4o-mini");
    assertThat(ids(EVERY_ROUTE)).containsExactly("chat", "gpt-4o", "gpt-4o-mini");
    Model chat = client(EVERY_ROUTE.key()).models().list().items().get(0);
    assertThat(chat.created()).isZero();
    assertThat(chat.ownedBy()).isEqualTo("mock-a");
    assertThatThrownBy(() -> client("sk-made-up").models().list()).isInstanceOf(UnauthorizedException.class);
    assertThat(stack.mock("mock-a").requests() + stack.mock("mock-b").requests()).as("nothing went upstream")
        .isZero();
  }

  @Test
  void theListHasExactlyTheModelsOfTheCurrentConfigBeforeAndAfterAReload() {
    assertThat(ids(EVERY_ROUTE)).containsExactly("chat", "gpt-4o", "gpt-4o-mini");

    stack.edit("routes.yaml", "models: [chat, gpt-4o-mini]", "models: [chat, chat-latest]");
    stack.apply();

    assertThat(ids(EVERY_ROUTE)).containsExactly("chat", "chat-latest", "gpt-4o");
    assertThat(ids(CHAT_ONLY)).containsExactly("chat", "chat-latest");
  }

  private OpenAIClient client(String key) {
    return OpenAIOkHttpClient.builder().baseUrl(stack.envoy().gateway().resolve("/v1").toString()).apiKey(key)
        .maxRetries(0).build();
  }

  private List<String> ids(TestConsumer consumer) {
    return client(consumer.key()).models().list().items().stream().map(m -> m.validate().id()).toList();
  }
}
