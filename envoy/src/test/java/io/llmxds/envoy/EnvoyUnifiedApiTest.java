package io.llmxds.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolUseBlock;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The unified API through a real Envoy (docs/llm-apis.md "Translation"; docs/envoy-semantics.md U1–U6): mock-b
 * becomes an Anthropic provider; the official OpenAI SDK on a route whose only provider is mock-b, and the official
 * Anthropic SDK on a route whose only provider is mock-a (OpenAI's API), JSON, streamed and with a tool call: each
 * SDK parses its own API's answer with the mock's text, a stop reason and usage. Checks against Envoy itself what the
 * models stand in for: the upstream ext_proc's per-try {@code :path}, header and body mutations, its response
 * processing with a {@code mode_override}, and the client's path read from the downstream phase's dynamic metadata.
 */
class EnvoyUnifiedApiTest extends EnvoyEndToEnd {

  @BeforeEach
  void mockBSpeaksAnthropic() throws IOException {
    stack.edit("providers.yaml", "mock-b", "/v1\n", "\n");
    stack.edit("providers.yaml", "mock-b", "  connectTimeout: 2s", "  connectTimeout: 2s\n  api: anthropic");
    Files.writeString(stack.controlPlane().policies().resolve("routes.yaml"), """
        ---
        apiVersion: llm-xds.io/v1alpha1
        kind: ModelRoute
        metadata:
          name: gpt-on-claude
        spec:
          models: [gpt-on-claude]
          backends:
            - provider: mock-b
          timeout: 60s
        ---
        apiVersion: llm-xds.io/v1alpha1
        kind: ModelRoute
        metadata:
          name: claude-on-gpt
        spec:
          models: [claude-on-gpt]
          backends:
            - provider: mock-a
          timeout: 60s
        """, StandardOpenOption.APPEND);
    stack.apply();
  }

  @Test
  void theOpenAiSdkReadsChatCompletionsFromAnAnthropicProviderStreamedAndWithATool() {
    OpenAIClient openAi = OpenAIOkHttpClient.builder().baseUrl(stack.envoy().gateway().resolve("/v1").toString())
        .apiKey("sk-client").maxRetries(0).build();
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gpt-on-claude")
        .addUserMessage("hello").build();

    ChatCompletion completion = openAi.chat().completions().create(params);
    assertThat(completion.choices().get(0).message().content().orElseThrow()).startsWith("[mock-b] received 1 message");
    assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(completion.usage().orElseThrow().completionTokens()).isPositive();
    assertThat(stack.mock("mock-b").lastHeaders()).containsKey("anthropic-version");

    StringBuilder text = new StringBuilder();
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (var stream = openAi.chat().completions().createStreaming(params.toBuilder()
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      stream.stream().forEach(chunk -> {
        chunks.add(chunk);
        chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
      });
    }
    assertThat(text.toString()).startsWith("[mock-b] received ");
    assertThat(chunks.get(chunks.size() - 1).usage().orElseThrow().completionTokens()).isPositive();

    ChatCompletion call = openAi.chat().completions().create(params.toBuilder()
        .addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_weather")
            .parameters(FunctionParameters.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                .build()).build()).build())
        .build());
    assertThat(call.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    assertThat(call.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction().function().arguments())
        .isEqualTo("{\"city\":\"Paris\"}");

    Assertions.assertThatThrownBy(() -> openAi.chat().completions().create(params.toBuilder()
        .putAdditionalBodyProperty("top_logprobs", JsonValue.from(2)).build()))
        .isInstanceOf(BadRequestException.class).hasMessageContaining("top_logprobs");
    openAi.close();
  }

  @Test
  void theAnthropicSdkReadsMessagesFromAnOpenAiProviderStreamedAndWithATool() {
    AnthropicClient anthropic = AnthropicOkHttpClient.builder()
        .baseUrl(stack.envoy().gateway().toString().replaceAll("/$", ""))
        .apiKey("sk-ant-client").maxRetries(0).build();
    MessageCreateParams params = MessageCreateParams.builder().model("claude-on-gpt").maxTokens(100)
        .addUserMessage("hello claude").build();

    Message message = anthropic.messages().create(params);
    assertThat(message.content().get(0).text().orElseThrow().text()).startsWith("[mock-a] received 1 message");
    assertThat(message.stopReason()).contains(StopReason.END_TURN);
    assertThat(message.usage().outputTokens()).isPositive();
    assertThat(stack.mock("mock-a").lastHeaders()).doesNotContainKeys("anthropic-version", "x-api-key");

    MessageAccumulator accumulated = MessageAccumulator.create();
    try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(params)) {
      stream.stream().forEach(accumulated::accumulate);
    }
    assertThat(accumulated.message().content().get(0).text().orElseThrow().text()).startsWith("[mock-a] received ");
    assertThat(accumulated.message().stopReason()).contains(StopReason.END_TURN);

    Message call = anthropic.messages().create(params.toBuilder()
        .addTool(Tool.builder().name("get_weather").inputSchema(Tool.InputSchema.builder()
            .properties(com.anthropic.core.JsonValue.from(Map.of("city", Map.of("type", "string"))))
            .putAdditionalProperty("required", com.anthropic.core.JsonValue.from(List.of("city")))
            .build()).build())
        .build());
    assertThat(call.stopReason()).contains(StopReason.TOOL_USE);
    ToolUseBlock toolUse = call.content().stream().flatMap(b -> b.toolUse().stream()).findFirst().orElseThrow();
    assertThat(toolUse._input().toString()).contains("Paris");
    anthropic.close();
  }
}
