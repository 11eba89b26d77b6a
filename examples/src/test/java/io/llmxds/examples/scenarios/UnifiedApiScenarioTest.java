package io.llmxds.examples.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.llmxds.cp.testing.AdsTestClient;
import io.llmxds.examples.mockllm.MockLlmClient;
import io.llmxds.examples.mockllm.MockTools;
import io.llmxds.examples.mockllm.SdkTools;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/scenarios/unified-api through the Envoy model of the pushed edge config ({@link PushedConfigRouter},
 * behind a loopback listener) with the real context service: the official OpenAI SDK on a route whose only provider
 * speaks Anthropic's API, the official Anthropic SDK on an OpenAI provider, an A/B split and a fallback chain mixing
 * the two APIs behind one model name. Each SDK parses a well-formed answer with the mock's text, a finish/stop reason
 * and token usage; each try reached its mock with that provider's path, model, headers and credential only.
 */
class UnifiedApiScenarioTest {
  private static final String FAIL_ON = "x-mock-fail-on";

  @TempDir java.nio.file.Path tmp;
  private ScenarioStack stack;
  private PushedConfigRouter router;
  private RouterHttpFront front;
  private OpenAIClient openAi;
  private AnthropicClient anthropic;

  @BeforeEach
  void start() throws Exception {
    stack = ScenarioStack.start("unified-api", tmp);
    AdsTestClient envoy = stack.connectEnvoy("envoy-1");
    router = new PushedConfigRouter(envoy, new Random(11));
    front = RouterHttpFront.start(router);
    openAi = OpenAIOkHttpClient.builder().baseUrl(front.openAiBaseUrl()).apiKey("sk-client-openai").maxRetries(0)
        .build();
    anthropic = AnthropicOkHttpClient.builder().baseUrl(front.baseUrl()).apiKey("sk-client-anthropic").maxRetries(0)
        .build();
  }

  @AfterEach
  void stop() {
    openAi.close();
    anthropic.close();
    front.close();
    router.close();
    stack.close();
  }

  @Test
  void theOpenAiSdkGetsAChatCompletionFromAnAnthropicProvider() {
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gpt-on-claude")
        .addUserMessage("hello").build();
    ChatCompletion completion = openAi.chat().completions().create(params);

    assertThat(completion.choices().get(0).message().content())
        .contains("[mock-anthropic] received 1 message; last user message: \"hello\"");
    assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    var usage = completion.usage().orElseThrow();
    assertThat(usage.promptTokens()).isPositive();
    assertThat(usage.completionTokens()).isPositive();
    assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
    UpstreamTries.Try sent = lastTry();
    assertThat(sent.provider()).isEqualTo("mock-anthropic");
    assertThat(sent.path()).isEqualTo("/v1/messages");
    assertThat(sent.model()).isEqualTo("claude-mock");
    assertThat(sent.headers()).containsEntry("x-api-key", "sk-ant-mock-key")
        .containsEntry("anthropic-version", "2023-06-01").doesNotContainKey("authorization");
    assertThat(receivedHeaderNames("mock-anthropic")).contains("x-api-key", "anthropic-version")
        .doesNotContain("authorization");

    SdkTools.StreamedChat streamed = SdkTools.streamChat(openAi, params);
    assertThat(streamed.text()).startsWith("[mock-anthropic] received ").contains("last user message: \"hello\"");
    assertThat(streamed.chunks().stream().flatMap(c -> c.choices().stream()).flatMap(c -> c.finishReason().stream()))
        .containsExactly(ChatCompletionChunk.Choice.FinishReason.STOP);
    assertThat(streamed.last().usage().orElseThrow().completionTokens()).isPositive();
    assertThat(lastTry().path()).isEqualTo("/v1/messages");
  }

  @Test
  void theAnthropicSdkGetsAMessageFromAnOpenAiProvider() {
    MessageCreateParams params = MessageCreateParams.builder().model("claude-on-gpt").maxTokens(100)
        .system("be brief").addUserMessage("hello claude").build();
    Message message = anthropic.messages().create(params);

    assertThat(message.content().get(0).text().orElseThrow().text())
        .startsWith("[mock-openai] received 2 messages").contains("last user message: \"hello claude\"");
    assertThat(message.stopReason()).contains(StopReason.END_TURN);
    assertThat(message.usage().inputTokens()).isPositive();
    assertThat(message.usage().outputTokens()).isPositive();
    UpstreamTries.Try sent = lastTry();
    assertThat(sent.path()).isEqualTo("/v1/chat/completions");
    assertThat(sent.model()).isEqualTo("gpt-mock");
    assertThat(sent.headers()).containsEntry("authorization", "Bearer sk-mock-openai-key")
        .doesNotContainKeys("x-api-key", "anthropic-version");
    assertThat(receivedHeaderNames("mock-openai")).contains("authorization")
        .doesNotContain("x-api-key", "anthropic-version");

    MessageAccumulator accumulated = MessageAccumulator.create();
    try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(params)) {
      stream.stream().forEach(accumulated::accumulate);
    }
    Message streamed = accumulated.message();
    assertThat(streamed.content().get(0).text().orElseThrow().text()).startsWith("[mock-openai] received ");
    assertThat(streamed.stopReason()).contains(StopReason.END_TURN);
    assertThat(streamed.usage().outputTokens()).isPositive();
  }

  /** A tool call survives the round trip: the Anthropic mock's tool_use reaches the OpenAI SDK as a tool call. */
  @Test
  void theOpenAiSdksToolCallRoundTripsThroughAnAnthropicProvider() {
    ChatCompletionCreateParams ask = ChatCompletionCreateParams.builder().model("gpt-on-claude")
        .addUserMessage("weather in Paris?")
        .addTool(SdkTools.WEATHER_TOOL)
        .build();
    ChatCompletion call = openAi.chat().completions().create(ask);

    ChatCompletion.Choice choice = call.choices().get(0);
    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    var toolCall = choice.message().toolCalls().orElseThrow().get(0).asFunction();
    assertThat(toolCall.function().name()).isEqualTo(MockTools.WEATHER);
    assertThat(toolCall.function().arguments()).isEqualTo(MockTools.WEATHER_ARGUMENTS);
    assertThat(lastTry().body()).contains("\"tools\"").contains("\"input_schema\"");

    ChatCompletion answer = openAi.chat().completions().create(ask.toBuilder()
        .addMessage(choice.message())
        .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(toolCall.id()).content("15 °C, sunny").build())
        .build());
    assertThat(answer.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(answer.choices().get(0).message().content().orElseThrow())
        .contains("tool result: \"15 °C, sunny\"");
    assertThat(lastTry().body()).contains("tool_result").contains("tool_use");

    StringBuilder arguments = new StringBuilder();
    List<ChatCompletionChunk.Choice.FinishReason> reasons = new ArrayList<>();
    try (var stream = openAi.chat().completions().createStreaming(ask)) {
      stream.stream().flatMap(c -> c.choices().stream()).forEach(c -> {
        c.delta().toolCalls().ifPresent(calls -> calls.forEach(t -> t.function()
            .flatMap(ChatCompletionChunk.Choice.Delta.ToolCall.Function::arguments).ifPresent(arguments::append)));
        c.finishReason().ifPresent(reasons::add);
      });
    }
    assertThat(arguments.toString()).isEqualTo(MockTools.WEATHER_ARGUMENTS);
    assertThat(reasons).containsExactly(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);
  }

  /** The OpenAI mock's tool call reaches the Anthropic SDK as a tool_use block, and its result goes back. */
  @Test
  void theAnthropicSdksToolUseRoundTripsThroughAnOpenAiProvider() {
    MessageCreateParams ask = MessageCreateParams.builder().model("claude-on-gpt").maxTokens(200)
        .addUserMessage("weather in Paris?")
        .addTool(SdkTools.WEATHER_USE)
        .build();
    Message call = anthropic.messages().create(ask);

    assertThat(call.stopReason()).contains(StopReason.TOOL_USE);
    ToolUseBlock toolUse = call.content().stream().flatMap(b -> b.toolUse().stream()).findFirst().orElseThrow();
    assertThat(toolUse.name()).isEqualTo(MockTools.WEATHER);
    assertThat(toolUse._input().toString()).contains("Paris");
    assertThat(lastTry().body()).contains("\"function\"").contains("\"parameters\"");

    Message answer = anthropic.messages().create(ask.toBuilder()
        .addMessage(call)
        .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
            .toolUseId(toolUse.id()).content("15 °C, sunny").build())))
        .build());
    assertThat(answer.stopReason()).contains(StopReason.END_TURN);
    assertThat(answer.content().get(0).text().orElseThrow().text()).contains("tool result: \"15 °C, sunny\"");
    assertThat(lastTry().body()).contains("\"role\":\"tool\"").contains("tool_call_id");

    MessageAccumulator accumulated = MessageAccumulator.create();
    try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(ask)) {
      stream.stream().forEach(accumulated::accumulate);
    }
    Message streamed = accumulated.message();
    assertThat(streamed.stopReason()).contains(StopReason.TOOL_USE);
    assertThat(streamed.content().stream().flatMap(b -> b.toolUse().stream()).findFirst().orElseThrow()._input()
        .toString()).contains("Paris");
  }

  /** One model name over both APIs: whichever backend Envoy draws, the OpenAI SDK reads its own API. */
  @Test
  void anAbSplitMixingBothApisAnswersOneSdkWellFormedFromEither() {
    Set<String> providers = new HashSet<>();
    for (int i = 0; i < 12 && providers.size() < 2; i++) {
      ChatCompletion completion = openAi.chat().completions().create(ChatCompletionCreateParams.builder()
          .model("house-model").addUserMessage("hi " + i).build());
      UpstreamTries.Try sent = lastTry();
      providers.add(sent.provider());
      assertThat(completion.choices().get(0).message().content().orElseThrow()).startsWith("[" + sent.provider() + "]");
      assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
      assertThat(sent.path()).isEqualTo(sent.provider().equals("mock-anthropic") ? "/v1/messages"
          : "/v1/chat/completions");
    }
    assertThat(providers).containsExactlyInAnyOrder("mock-openai", "mock-anthropic");
  }

  /**
   * The OpenAI provider fails, the retry goes to the Anthropic one through the same header map (RT3): that try gets
   * its own path, an anthropic-version and the translated body, and not the client's OpenAI key header.
   */
  @Test
  void aFallbackFromOpenAiToAnthropicIsTranslatedAndCarriesNoForeignKey() throws Exception {
    PushedConfigRouter.Served served = router.send(PushedConfigRouter.Request.chat(
        MockLlmClient.chat("resilient", false, "hi"), "authorization", "Bearer sk-client", FAIL_ON, "mock-flaky"));

    assertThat(served.status()).as(served.body()).isEqualTo(200);
    assertThat(served.tries()).extracting(UpstreamTries.Try::provider, UpstreamTries.Try::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("mock-flaky", 503),
            org.assertj.core.groups.Tuple.tuple("mock-claude-spare", 200));
    UpstreamTries.Try first = served.tries().get(0);
    UpstreamTries.Try second = served.tries().get(1);
    assertThat(first.path()).isEqualTo("/v1/chat/completions");
    assertThat(first.headers()).containsEntry("authorization", "Bearer sk-client");
    assertThat(second.path()).isEqualTo("/v1/messages");
    assertThat(second.headers()).doesNotContainKey("authorization").containsEntry("anthropic-version", "2023-06-01");
    assertThat(MockLlmClient.JSON.readTree(second.body()).has("max_tokens")).as("an Anthropic body").isTrue();
    JsonNode answer = MockLlmClient.JSON.readTree(served.body());
    assertThat(answer.path("object").asText()).isEqualTo("chat.completion");
    assertThat(answer.path("choices").path(0).path("message").path("content").asText())
        .startsWith("[mock-claude-spare]");
  }

  @Test
  void aFieldTheAnthropicProviderCannotTakeGetsA400NamingItAndNoTry() {
    long before = stack.mock("mock-anthropic").requests();
    assertThatThrownBy(() -> openAi.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gpt-on-claude").addUserMessage("hello").putAdditionalBodyProperty("top_logprobs", JsonValue.from(2))
        .build()))
        .isInstanceOf(BadRequestException.class).hasMessageContaining("top_logprobs");
    assertThat(stack.mock("mock-anthropic").requests()).isEqualTo(before);
  }

  /** A provider's 429 comes back translated: each SDK raises its own rate-limit error with the provider's message. */
  @Test
  void aProvidersErrorReachesEachSdkInItsOwnShape() {
    assertThatThrownBy(() -> openAi.withOptions(o -> o.putHeader("x-mock-status", "429")).chat().completions()
        .create(ChatCompletionCreateParams.builder().model("gpt-on-claude").addUserMessage("hello").build()))
        .isInstanceOf(com.openai.errors.RateLimitException.class).hasMessageContaining("simulated 429");
    assertThatThrownBy(() -> anthropic.withOptions(o -> o.putHeader("x-mock-status", "429")).messages()
        .create(com.anthropic.models.messages.MessageCreateParams.builder().model("claude-on-gpt").maxTokens(64)
            .addUserMessage("hello").build()))
        .isInstanceOf(com.anthropic.errors.RateLimitException.class).hasMessageContaining("simulated 429");
  }

  /**
   * Mutated chat bodies through both phases to the Anthropic provider: each is answered in the OpenAI client's own
   * shape — a chat completion, or an OpenAI error (ours, or the provider's translated) — never a 5xx of ours.
   */
  @Test
  void mutatedBodiesAreAnsweredInTheClientsShapeAndNeverFailTheService() throws Exception {
    Random random = new Random(19);
    for (int i = 0; i < 120; i++) {
      ObjectNode body = (ObjectNode) MockLlmClient.JSON.readTree(MockLlmClient.chat("gpt-on-claude", false, "hi"));
      mutate(body, random);
      PushedConfigRouter.Served served = router.send(PushedConfigRouter.Request.chat(body.toString()));
      assertThat(served.status()).as("%s -> %s", body, served.body()).isLessThan(500);
      JsonNode answer = MockLlmClient.JSON.readTree(served.body());
      if (served.status() == 200) {
        assertThat(answer.path("object").asText()).as(body.toString()).isIn("chat.completion", "");
      } else {
        assertThat(answer.path("error").path("message").asText()).as(body.toString()).isNotEmpty();
      }
    }
  }

  private static void mutate(ObjectNode body, Random random) {
    String[] fields = {"temperature", "top_p", "n", "stop", "tools", "tool_choice", "max_tokens", "messages",
        "stream_options", "logit_bias", "response_format", "seed", "user", "frequency_penalty"};
    JsonNode[] values = {json("null"), json("1.7"), json("0"), json("2"),
        json("\"x\""), json("[]"), json("{}"), json("[1,2]"), json("true"),
        json("[{\"role\":\"tool\",\"content\":\"x\"}]"), json("{\"type\":\"json_object\"}")};
    for (int k = 0; k <= random.nextInt(3); k++) {
      body.set(fields[random.nextInt(fields.length)], values[random.nextInt(values.length)]);
    }
  }

  private static JsonNode json(String json) {
    try {
      return MockLlmClient.JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The header names the mock received last, lower-cased (its HTTP server may capitalize them). */
  private Set<String> receivedHeaderNames(String mock) {
    Set<String> names = new HashSet<>();
    stack.mock(mock).lastHeaders().keySet().forEach(k -> names.add(k.toLowerCase(java.util.Locale.ROOT)));
    return names;
  }

  private UpstreamTries.Try lastTry() {
    return front.lastServed().tries().get(front.lastServed().tries().size() - 1);
  }
}
