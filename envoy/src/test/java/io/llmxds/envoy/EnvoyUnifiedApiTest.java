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
import com.anthropic.models.messages.ToolUseBlock;
import com.openai.client.OpenAIClient;
import io.llmxds.examples.mockllm.MockTools;
import io.llmxds.examples.mockllm.SdkTools;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.List;
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
    Files.writeString(stack.controlPlane().policies().resolve("routes.yaml"),
        onlyBackend("gpt-on-claude", "mock-b") + onlyBackend("claude-on-gpt", "mock-a"), StandardOpenOption.APPEND);
    stack.apply();
  }

  /** A ModelRoute document serving {@code model} with {@code provider} alone. */
  private static String onlyBackend(String model, String provider) {
    return "\n---\napiVersion: llm-xds.io/v1alpha1\nkind: ModelRoute\nmetadata:\n  name: " + model + "\nspec:\n  models: ["
        + model + "]\n  backends:\n    - provider: " + provider + "\n  timeout: 60s\n";
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

    SdkTools.StreamedChat streamed = SdkTools.streamChat(openAi, params);
    assertThat(streamed.text()).startsWith("[mock-b] received ");
    assertThat(streamed.last().usage().orElseThrow().completionTokens()).isPositive();

    ChatCompletion call = openAi.chat().completions().create(params.toBuilder()
        .addTool(SdkTools.WEATHER_TOOL)
        .build());
    assertThat(call.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    assertThat(call.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction().function().arguments())
        .isEqualTo(MockTools.WEATHER_ARGUMENTS);

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
        .addTool(SdkTools.WEATHER_USE)
        .build());
    assertThat(call.stopReason()).contains(StopReason.TOOL_USE);
    ToolUseBlock toolUse = call.content().stream().flatMap(b -> b.toolUse().stream()).findFirst().orElseThrow();
    assertThat(toolUse._input().toString()).contains("Paris");
    anthropic.close();
  }
}
