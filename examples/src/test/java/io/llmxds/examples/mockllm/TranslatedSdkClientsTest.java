package io.llmxds.examples.mockllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.errors.RateLimitException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.completions.CompletionUsage;
import com.google.protobuf.ByteString;
import io.llmxds.filters.unified.ApiTranslation;
import io.llmxds.filters.unified.UnifiedSamples;
import io.llmxds.filters.unified.Untranslatable;
import io.llmxds.filters.unified.WireApi;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The key evidence for the unified API's codec: the official OpenAI SDK served by an Anthropic provider (the mock's
 * {@code /v1/messages}) and the official Anthropic SDK served by an OpenAI provider (its {@code /v1/chat/completions}),
 * through {@link TranslatingGateway}: each SDK parses the translated answers, JSON and streamed, and reports the
 * text, the tool call (a whole round trip: call, result, answer quoting it), the finish/stop reason and the usage.
 */
class TranslatedSdkClientsTest {
  private MockLlm anthropicProvider;
  private MockLlm openAiProvider;
  private LoopbackHttpFront openAiFront;
  private LoopbackHttpFront anthropicFront;
  private OpenAIClient openAi;
  private AnthropicClient anthropic;

  @BeforeEach
  void start() throws Exception {
    anthropicProvider = MockLlm.start(MockLlm.Settings.of("claude-mock", 0));
    openAiProvider = MockLlm.start(MockLlm.Settings.of("gpt-mock", 0));
    openAiFront = LoopbackHttpFront.start(new TranslatingGateway(anthropicProvider.port(), WireApi.ANTHROPIC_MESSAGES));
    anthropicFront = LoopbackHttpFront.start(new TranslatingGateway(openAiProvider.port(), WireApi.OPENAI_CHAT));
    openAi = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + openAiFront.port() + "/v1").apiKey("sk-test")
        .maxRetries(0).build();
    anthropic = AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + anthropicFront.port())
        .apiKey("sk-ant-test").maxRetries(0).build();
  }

  @AfterEach
  void stop() {
    openAi.close();
    anthropic.close();
    openAiFront.close();
    anthropicFront.close();
    anthropicProvider.close();
    openAiProvider.close();
  }

  private static ChatCompletionCreateParams openAiAskingForWeather() {
    FunctionParameters parameters = FunctionParameters.builder()
        .putAdditionalProperty("type", JsonValue.from("object"))
        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
        .putAdditionalProperty("required", JsonValue.from(List.of("city"))).build();
    return ChatCompletionCreateParams.builder().model("claude-sonnet-4-5").addSystemMessage("be brief")
        .addUserMessage("What's the weather in Paris?")
        .addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_weather")
            .description("the weather of a city").parameters(parameters).build()).build()).build();
  }

  @Test
  void openAiSdkOnAnAnthropicProviderWithAToolRoundTrip() {
    ChatCompletionCreateParams ask = openAiAskingForWeather();
    ChatCompletion call = openAi.chat().completions().create(ask);

    ChatCompletion.Choice choice = call.choices().get(0);
    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    assertThat(call.id()).startsWith("chatcmpl-msg_");
    ChatCompletionMessageFunctionToolCall toolCall = choice.message().toolCalls().orElseThrow().get(0).asFunction();
    assertThat(toolCall.id()).startsWith("toolu_");
    assertThat(toolCall.function().name()).isEqualTo("get_weather");
    assertThat(toolCall.function().arguments()).isEqualTo("{\"city\":\"Paris\"}");
    assertUsage(call.usage().orElseThrow());

    ChatCompletion answer = openAi.chat().completions().create(ask.toBuilder().addMessage(choice.message())
        .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(toolCall.id()).content("15 °C, sunny").build())
        .build());

    assertThat(answer.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    // The Anthropic provider saw one user turn, one assistant turn, and the result in a user turn.
    assertThat(answer.choices().get(0).message().content()).contains(
        "[claude-mock] received 3 messages; tool result: \"15 °C, sunny\"");
    assertUsage(answer.usage().orElseThrow());
  }

  @Test
  void openAiSdkStreamingFromAnAnthropicProvider() {
    ChatCompletionCreateParams ask = openAiAskingForWeather();
    ChatCompletionAccumulator call = ChatCompletionAccumulator.create();
    try (var stream = openAi.chat().completions().createStreaming(ask)) {
      stream.stream().forEach(call::accumulate);
    }
    ChatCompletion.Choice choice = call.chatCompletion().choices().get(0);
    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    ChatCompletionMessageFunctionToolCall toolCall = choice.message().toolCalls().orElseThrow().get(0).asFunction();
    assertThat(toolCall.function().name()).isEqualTo("get_weather");
    assertThat(toolCall.function().arguments()).isEqualTo("{\"city\":\"Paris\"}");
    // Sent although the client asked for no stream_options: limits need it.
    assertUsage(call.chatCompletion().usage().orElseThrow());

    ChatCompletionAccumulator answer = ChatCompletionAccumulator.create();
    try (var stream = openAi.chat().completions().createStreaming(ask.toBuilder().addMessage(choice.message())
        .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(toolCall.id()).content("15 °C").build())
        .build())) {
      stream.stream().forEach(answer::accumulate);
    }
    ChatCompletion.Choice text = answer.chatCompletion().choices().get(0);
    assertThat(text.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(text.message().content()).contains("[claude-mock] received 3 messages; tool result: \"15 °C\"");
    assertUsage(answer.chatCompletion().usage().orElseThrow());
  }

  private static MessageCreateParams anthropicAskingForWeather() {
    return MessageCreateParams.builder().model("gpt-4o").maxTokens(200).system("be brief")
        .addUserMessage("What's the weather in Paris?")
        .addTool(Tool.builder().name("get_weather").description("the weather of a city")
            .inputSchema(Tool.InputSchema.builder().properties(Tool.InputSchema.Properties.builder()
                .putAdditionalProperty("city", com.anthropic.core.JsonValue.from(Map.of("type", "string"))).build())
                .required(List.of("city")).build()).build()).build();
  }

  @Test
  void anthropicSdkOnAnOpenAiProviderWithAToolRoundTrip() {
    MessageCreateParams ask = anthropicAskingForWeather();
    Message call = anthropic.messages().create(ask);

    assertThat(call.stopReason()).contains(StopReason.TOOL_USE);
    assertThat(call.id()).startsWith("msg_chatcmpl-");
    ToolUseBlock toolUse = call.content().get(0).toolUse().orElseThrow();
    assertThat(toolUse.name()).isEqualTo("get_weather");
    assertThat(toolUse._input().convert(Map.class)).isEqualTo(Map.of("city", "Paris"));
    assertThat(call.usage().inputTokens()).isPositive();
    assertThat(call.usage().outputTokens()).isPositive();

    Message answer = anthropic.messages().create(ask.toBuilder().addMessage(call)
        .addUserMessageOfContentBlockParams((List.of(ContentBlockParam.ofToolResult(
            ToolResultBlockParam.builder().toolUseId(toolUse.id()).content("15 °C, sunny").build())))).build());

    assertThat(answer.stopReason()).contains(StopReason.END_TURN);
    // The OpenAI provider saw the system message, the user's, the assistant's call and the tool's result.
    assertThat(answer.content().get(0).text().orElseThrow().text())
        .isEqualTo("[gpt-mock] received 4 messages; tool result: \"15 °C, sunny\"");
    assertThat(answer.usage().inputTokens()).isPositive();
  }

  @Test
  void anthropicSdkStreamingFromAnOpenAiProvider() {
    MessageCreateParams ask = anthropicAskingForWeather();
    MessageAccumulator call = MessageAccumulator.create();
    try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(ask)) {
      stream.stream().forEach(call::accumulate);
    }
    Message message = call.message();
    assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
    ToolUseBlock toolUse = message.content().get(0).toolUse().orElseThrow();
    assertThat(toolUse._input().convert(Map.class)).isEqualTo(Map.of("city", "Paris"));
    assertThat(message.usage().outputTokens()).isPositive();
    assertThat(message.usage().inputTokens()).isPositive();

    MessageAccumulator answer = MessageAccumulator.create();
    try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(ask.toBuilder()
        .addMessage(message).addUserMessageOfContentBlockParams((List.of(ContentBlockParam.ofToolResult(
            ToolResultBlockParam.builder().toolUseId(toolUse.id()).content("15 °C").build())))).build())) {
      stream.stream().forEach(answer::accumulate);
    }
    assertThat(answer.message().stopReason()).contains(StopReason.END_TURN);
    assertThat(answer.message().content().get(0).text().orElseThrow().text())
        .isEqualTo("[gpt-mock] received 4 messages; tool result: \"15 °C\"");
    assertThat(answer.message().usage().inputTokens()).isPositive();
  }

  @Test
  void providerErrorsAndUntranslatableRequestsReachTheSdksInTheirShape() {
    assertThatThrownBy(() -> openAi.chat().completions().create(openAiAskingForWeather().toBuilder().n(2).build()))
        .isInstanceOf(BadRequestException.class).hasMessageContaining("only one choice");
    assertThatThrownBy(() -> openAi.withOptions(o -> o.putHeader("x-mock-status", "429")).chat().completions()
        .create(openAiAskingForWeather()))
        .isInstanceOf(RateLimitException.class).hasMessageContaining("simulated 429");
    assertThatThrownBy(() -> anthropic.withOptions(o -> o.putHeader("x-mock-status", "429")).messages()
        .create(anthropicAskingForWeather()))
        .isInstanceOf(com.anthropic.errors.RateLimitException.class).hasMessageContaining("simulated 429");
    assertThatThrownBy(() -> anthropic.messages().create(anthropicAskingForWeather().toBuilder().putAdditionalBodyProperty("top_k",
        com.anthropic.core.JsonValue.from(3)).build()))
        .isInstanceOf(com.anthropic.errors.BadRequestException.class).hasMessageContaining("top_k");
  }

  @Test
  void aStreamedProviderErrorReachesTheSdksAsAnError() throws Exception {
    String anthropicFailing = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
        + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude\",\"content\":[],\"usage\":"
        + "{\"input_tokens\":3,\"output_tokens\":1}}}\n\nevent: error\ndata: {\"type\":\"error\",\"error\":"
        + "{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";
    try (LoopbackHttpFront front = streaming(WireApi.OPENAI_CHAT, anthropicFailing)) {
      OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + front.port() + "/v1")
          .apiKey("k").maxRetries(0).build();
      assertThatThrownBy(() -> {
        try (var stream = client.chat().completions().createStreaming(openAiAskingForWeather())) {
          stream.stream().forEach(chunk -> { });
        }
      }).hasMessageContaining("Overloaded");
      client.close();
    }
    String openAiFailing = "data: {\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}"
        + "\n\n";
    try (LoopbackHttpFront front = streaming(WireApi.ANTHROPIC_MESSAGES, openAiFailing)) {
      AnthropicClient client = AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + front.port())
          .apiKey("k").maxRetries(0).build();
      assertThatThrownBy(() -> {
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages()
            .createStreaming(anthropicAskingForWeather())) {
          stream.stream().forEach(event -> { });
        }
      }).hasMessageContaining("The server had an error");
      client.close();
    }
  }

  /** A front that answers every request with the translation of one provider stream. */
  private static LoopbackHttpFront streaming(WireApi client, String providerStream) throws Exception {
    ApiTranslation translation = ApiTranslation.between(client, client == WireApi.OPENAI_CHAT
        ? WireApi.ANTHROPIC_MESSAGES : WireApi.OPENAI_CHAT).orElseThrow();
    return LoopbackHttpFront.start(request -> new LoopbackHttpFront.Answer(200,
        Map.of("content-type", "text/event-stream"),
        translation.stream().feed(ByteString.copyFromUtf8(providerStream), true).toStringUtf8()));
  }

  /** The doc-shaped samples of filters' tests (multi-byte text, two tool calls, cached tokens), translated, served. */
  private static LoopbackHttpFront samples(WireApi client, String answer, String stream) throws Exception {
    ApiTranslation translation = ApiTranslation.between(client, client == WireApi.OPENAI_CHAT
        ? WireApi.ANTHROPIC_MESSAGES : WireApi.OPENAI_CHAT).orElseThrow();
    return LoopbackHttpFront.start(request -> {
      try {
        boolean streamed = new String(request.body(), StandardCharsets.UTF_8).contains("\"stream\":true");
        return streamed
            ? new LoopbackHttpFront.Answer(200, Map.of("content-type", "text/event-stream"), translation.stream()
                .feed(ByteString.copyFrom(UnifiedSamples.bytes(stream)), true).toStringUtf8())
            : new LoopbackHttpFront.Answer(200, Map.of("content-type", "application/json"),
                translation.response(UnifiedSamples.json(answer)).toString());
      } catch (Untranslatable e) {
        throw new AssertionError(e);
      }
    });
  }

  @Test
  void theOpenAiSdkParsesTheTranslatedSamples() throws Exception {
    try (LoopbackHttpFront front = samples(WireApi.OPENAI_CHAT, "anthropic-answer.json", "anthropic-stream.sse")) {
      OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + front.port() + "/v1")
          .apiKey("k").maxRetries(0).build();
      ChatCompletion completion = client.chat().completions().create(openAiAskingForWeather());
      assertThat(completion.choices().get(0).message().content()).contains("I'll check the current weather in "
          + "Paris for you.");
      assertThat(completion.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction().function()
          .arguments()).isEqualTo("{\"location\":\"Paris, France\"}");
      assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(572);
      assertThat(completion.usage().orElseThrow().promptTokensDetails().orElseThrow().cachedTokens()).contains(100L);

      ChatCompletionAccumulator streamed = ChatCompletionAccumulator.create();
      try (var stream = client.chat().completions().createStreaming(openAiAskingForWeather())) {
        stream.stream().forEach(streamed::accumulate);
      }
      ChatCompletion.Choice choice = streamed.chatCompletion().choices().get(0);
      assertThat(choice.message().content()).contains("Paris — 15 °C ☀️, let me check tomorrow.");
      assertThat(choice.message().toolCalls().orElseThrow().get(0).asFunction().function().arguments())
          .isEqualTo("{\"location\": \"Paris, France\"}");
      assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
      assertThat(streamed.chatCompletion().usage().orElseThrow().completionTokens()).isEqualTo(89);
      client.close();
    }
  }

  @Test
  void theAnthropicSdkParsesTheTranslatedSamples() throws Exception {
    try (LoopbackHttpFront front = samples(WireApi.ANTHROPIC_MESSAGES, "openai-answer.json", "openai-stream.sse")) {
      AnthropicClient client = AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + front.port())
          .apiKey("k").maxRetries(0).build();
      Message message = client.messages().create(anthropicAskingForWeather());
      assertThat(message.content().get(0).text().orElseThrow().text()).isEqualTo("Let me look that up.");
      assertThat(message.content().get(1).toolUse().orElseThrow()._input().convert(Map.class))
          .isEqualTo(Map.of("location", "Paris, France"));
      assertThat(message.usage().inputTokens()).isEqualTo(93);
      assertThat(message.usage().cacheReadInputTokens()).contains(1024L);

      MessageAccumulator streamed = MessageAccumulator.create();
      try (StreamResponse<RawMessageStreamEvent> stream = client.messages()
          .createStreaming(anthropicAskingForWeather())) {
        stream.stream().forEach(streamed::accumulate);
      }
      Message accumulated = streamed.message();
      assertThat(accumulated.content().get(0).text().orElseThrow().text())
          .isEqualTo("Paris — 15 °C ☀️, let me check tomorrow.");
      assertThat(accumulated.content().get(1).toolUse().orElseThrow()._input().convert(Map.class))
          .isEqualTo(Map.of("location", "Paris, France"));
      assertThat(accumulated.content().get(2).toolUse().orElseThrow().name()).isEqualTo("get_time");
      assertThat(accumulated.stopReason()).contains(StopReason.TOOL_USE);
      assertThat(accumulated.usage().outputTokens()).isEqualTo(46);
      assertThat(accumulated.usage().inputTokens()).isEqualTo(93);
      client.close();
    }
  }

  private static void assertUsage(CompletionUsage usage) {
    assertThat(usage.promptTokens()).isPositive();
    assertThat(usage.completionTokens()).isPositive();
    assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
  }
}
