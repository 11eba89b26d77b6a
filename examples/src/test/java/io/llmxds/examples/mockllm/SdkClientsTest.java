package io.llmxds.examples.mockllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.google.protobuf.Struct;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import io.llmxds.common.Telemetry;
import io.llmxds.filters.extproc.FakeEnvoy;
import io.llmxds.filters.server.ContextServer;
import io.llmxds.filters.testing.LoopbackContextServer;
import io.opentelemetry.api.OpenTelemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI and Anthropic Java SDKs against the mock LLM through the context service's path (a loopback
 * front playing Envoy, {@link EnvoyFront}): each answer parses in the SDK, the request was routed by its model to
 * that model's mock, and the service reported the usage the SDK read.
 */
class SdkClientsTest {
  private Telemetry telemetry;
  private ContextServer contextService;
  private FakeEnvoy envoy;
  private MockLlm chatMock;
  private MockLlm otherMock;
  private EnvoyFront front;
  private OpenAIClient openAi;
  private AnthropicClient anthropic;

  @BeforeEach
  void start() throws Exception {
    telemetry = Telemetry.of(OpenTelemetry.noop());
    contextService = LoopbackContextServer.start(telemetry);
    envoy = FakeEnvoy.connectedTo(contextService.port());
    chatMock = MockLlm.start(MockLlm.Settings.of("mock-chat", 0));
    otherMock = MockLlm.start(MockLlm.Settings.of("mock-other", 0));
    front = new EnvoyFront(envoy, Map.of("gpt-mock", chatMock, "embed-mock", otherMock, "claude-mock", otherMock));
    String base = "http://127.0.0.1:" + front.port();
    openAi = OpenAIOkHttpClient.builder().baseUrl(base + "/v1").apiKey("sk-test").maxRetries(0)
        .putHeader("x-session-id", "sdk").build();
    anthropic = AnthropicOkHttpClient.builder().baseUrl(base).apiKey("sk-ant-test").maxRetries(0)
        .putHeader("x-session-id", "sdk-anthropic").build();
  }

  @AfterEach
  void stop() {
    openAi.close();
    anthropic.close();
    front.close();
    chatMock.close();
    otherMock.close();
    envoy.close();
    contextService.close();
    telemetry.close();
  }

  private EnvoyFront.Routed last(String path, String model, String backend) {
    EnvoyFront.Routed routed = front.routed().get(front.routed().size() - 1);
    assertThat(routed.path()).isEqualTo(path);
    assertThat(routed.model()).contains(model);
    assertThat(routed.backend()).contains(backend);
    return routed;
  }

  private static void assertUsage(EnvoyFront.Routed routed, long prompt, long completion) {
    Struct usage = routed.usage().orElseThrow();
    assertThat(usage.getFieldsOrThrow("prompt_tokens").getNumberValue()).isEqualTo(prompt);
    assertThat(usage.getFieldsOrThrow("completion_tokens").getNumberValue()).isEqualTo(completion);
  }

  @Test
  void chatJsonAndStreamed() {
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gpt-mock")
        .addUserMessage("hello").build();
    ChatCompletion completion = openAi.chat().completions().create(params);

    assertThat(completion.choices().get(0).message().content()).hasValueSatisfying(c -> assertThat(c)
        .isEqualTo("[mock-chat] received 1 message; last user message: \"hello\""));
    assertUsage(last("/v1/chat/completions", "gpt-mock", "mock-chat"), completion.usage().orElseThrow().promptTokens(),
        completion.usage().orElseThrow().completionTokens());

    ChatCompletionCreateParams streamed = params.toBuilder()
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
    StringBuilder text = new StringBuilder();
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (var stream = openAi.chat().completions().createStreaming(streamed)) {
      stream.stream().forEach(chunk -> {
        chunks.add(chunk);
        chunk.choices().forEach(choice -> choice.delta().content().ifPresent(text::append));
      });
    }
    // The first exchange is the session's history now: the mock counts it.
    assertThat(text.toString()).isEqualTo("[mock-chat] received 3 messages; last user message: \"hello\"");
    var usage = chunks.get(chunks.size() - 1).usage().orElseThrow();
    assertUsage(last("/v1/chat/completions", "gpt-mock", "mock-chat"), usage.promptTokens(),
        usage.completionTokens());
  }

  @Test
  void embeddings() {
    CreateEmbeddingResponse embeddings = openAi.embeddings().create(EmbeddingCreateParams.builder()
        .model("embed-mock").input("a body-only request").build());

    assertThat(embeddings.data()).hasSize(1);
    assertThat(embeddings.data().get(0).embedding()).hasSize(4);
    assertUsage(last("/v1/embeddings", "embed-mock", "mock-other"), embeddings.usage().promptTokens(), 0);
  }

  @Test
  void responsesJsonAndStreamed() {
    ResponseCreateParams params = ResponseCreateParams.builder().model("gpt-mock").input("hi there").build();
    Response response = openAi.responses().create(params);

    assertThat(response.output().get(0).asMessage().content().get(0).asOutputText().text())
        .startsWith("[mock-chat] received 1 message");
    var usage = response.usage().orElseThrow();
    assertUsage(last("/v1/responses", "gpt-mock", "mock-chat"), usage.inputTokens(), usage.outputTokens());

    Optional<Response> completed;
    StringBuilder text = new StringBuilder();
    try (var stream = openAi.responses().createStreaming(params)) {
      List<ResponseStreamEvent> events = stream.stream().toList();
      events.forEach(e -> e.outputTextDelta().ifPresent(d -> text.append(d.delta())));
      completed = events.stream().flatMap(e -> e.completed().stream()).map(c -> c.response()).findFirst();
    }
    assertThat(text.toString()).startsWith("[mock-chat] received 1 message");
    var streamedUsage = completed.orElseThrow().usage().orElseThrow();
    assertUsage(last("/v1/responses", "gpt-mock", "mock-chat"), streamedUsage.inputTokens(),
        streamedUsage.outputTokens());
  }

  @Test
  void anthropicMessagesJsonAndStreamed() {
    MessageCreateParams params = MessageCreateParams.builder().model("claude-mock").maxTokens(100)
        .system("be brief").addUserMessage("hello claude").build();
    Message message = anthropic.messages().create(params);

    assertThat(message.content().get(0).text().orElseThrow().text())
        .isEqualTo("[mock-other] received 1 message; last user message: \"hello claude\"");
    assertUsage(last("/v1/messages", "claude-mock", "mock-other"), message.usage().inputTokens(),
        message.usage().outputTokens());

    MessageAccumulator accumulated = MessageAccumulator.create();
    try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(params)) {
      stream.stream().forEach(accumulated::accumulate);
    }
    Message streamed = accumulated.message();
    // The first exchange is the session's history now; Anthropic's system stays top-level.
    assertThat(streamed.content().get(0).text().orElseThrow().text())
        .isEqualTo("[mock-other] received 3 messages; last user message: \"hello claude\"");
    assertUsage(last("/v1/messages", "claude-mock", "mock-other"), streamed.usage().inputTokens(),
        streamed.usage().outputTokens());
  }

  @Test
  void anUnknownModelGetsTheJson404AndAMalformedBodyAPreciseError() {
    assertThatThrownBy(() -> openAi.embeddings().create(EmbeddingCreateParams.builder()
        .model("nobody-serves-this").input("x").build()))
        .isInstanceOf(NotFoundException.class).hasMessageContaining("no route for the requested model");

    assertThatThrownBy(() -> anthropic.messages().create(MessageCreateParams.builder().model("claude-mock")
        .maxTokens(1).addUserMessage("x").putAdditionalBodyProperty("system",
            com.anthropic.core.JsonValue.from(42)).build()))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("system: 'system' must be a string or an array of text blocks");
  }
}
