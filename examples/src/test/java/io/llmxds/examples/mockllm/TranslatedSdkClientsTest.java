package io.llmxds.examples.mockllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.google.protobuf.ByteString;
import io.llmxds.filters.unified.ApiTranslation;
import io.llmxds.filters.unified.UnifiedSamples;
import io.llmxds.filters.unified.Untranslatable;
import io.llmxds.filters.unified.WireApi;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI and Anthropic SDKs parse what the unified API's codec writes: the doc-shaped samples of the
 * filters' codec tests (multi-byte text, two tool calls, cached tokens) and a streamed provider error, translated and
 * served as fixed bytes. The whole path — Envoy's upstream phase calling the codec per try, with real mock providers
 * — is examples' UnifiedApiScenarioTest; this test pins the codec's output against the SDKs' own parsers.
 */
class TranslatedSdkClientsTest {

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

  private static MessageCreateParams anthropicAskingForWeather() {
    return MessageCreateParams.builder().model("gpt-4o").maxTokens(200).system("be brief")
        .addUserMessage("What's the weather in Paris?")
        .addTool(Tool.builder().name("get_weather").description("the weather of a city")
            .inputSchema(Tool.InputSchema.builder().properties(Tool.InputSchema.Properties.builder()
                .putAdditionalProperty("city", com.anthropic.core.JsonValue.from(Map.of("type", "string"))).build())
                .required(List.of("city")).build()).build()).build();
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
}
