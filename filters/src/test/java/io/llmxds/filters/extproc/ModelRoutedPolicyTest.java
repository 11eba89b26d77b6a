package io.llmxds.filters.extproc;

import static io.llmxds.filters.extproc.ContextService.chatRequest;
import static io.llmxds.filters.extproc.ContextService.jsonAnswer;
import static io.llmxds.filters.extproc.ContextService.jsonResponseHeaders;
import static io.llmxds.filters.extproc.ContextService.messages;
import static io.llmxds.filters.testing.TestDataPath.memoryStore;
import static io.llmxds.filters.testing.TestDataPath.route;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmxds.filters.context.ContextSpanAttributes;
import io.llmxds.filters.testing.TestDataPath;
import io.llmxds.filters.testing.TestDataPath.Policy;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every request runs under the policy of the data-path route its body's model matches — not the route Envoy matched
 * first, and not whatever its ext_proc stream's gRPC metadata says.
 */
class ModelRoutedPolicyTest {
  /** What an Envoy configured by an older control plane (before issue 13) would still send: ignored now. */
  private static final Map<String, String> STALE_POLICY_METADATA = FakeEnvoy.headers(
      "x-llm-route", "other", "x-llm-context-policy", "other", "x-llm-context-session-header", "x-other-session",
      "x-llm-context-max-turns", "100", "x-llm-context-store", "redis");

  private final ContextService service = new ContextService();

  @BeforeEach
  void configure() {
    service.configure(TestDataPath.Config.of("1", List.of(memoryStore()),
        route("chat", Policy.of("chat-context", "memory").withMaxTurns(2), "gpt-4o"),
        route("assistant", Policy.of("assistant-context", "memory").withMaxTurns(20)
            .withHeaders("x-conversation-id", Optional.of("x-user-id")), "claude-3", "claude-3-opus")));
  }

  @AfterEach
  void close() {
    service.close();
  }

  private FakeEnvoy.Answers chat(Map<String, String> headers, String model, String content) {
    return service.envoy.exchange(new FakeEnvoy.Http(STALE_POLICY_METADATA, headers,
        chatRequest(model, null, content), jsonResponseHeaders(), List.of(jsonAnswer(model, "re: " + content, 1, 1))));
  }

  @Test
  void twoRoutesWithTheirOwnSessionHeadersAndTurnLimitsAreEachHonoured() {
    Map<String, String> chatSession = ContextService.chatHeaders("s-" + UUID.randomUUID());
    Map<String, String> conversation = FakeEnvoy.headers(":method", "POST", ":path", "/v1/chat/completions",
        "x-conversation-id", "c-" + UUID.randomUUID(), "x-user-id", "ada");
    for (int i = 1; i <= 3; i++) {
      chat(chatSession, "gpt-4o", "q" + i);
      chat(conversation, i % 2 == 0 ? "claude-3" : "claude-3-opus", "q" + i);
    }

    FakeEnvoy.Answers underChat = chat(chatSession, "gpt-4o", "q4");
    FakeEnvoy.Answers underAssistant = chat(conversation, "claude-3", "q4");

    assertThat(messages(underChat.forwarded().body())).as("maxTurns 2")
        .containsExactly("user:q3", "assistant:re: q3", "user:q4");
    assertThat(messages(underAssistant.forwarded().body())).as("its own session header, maxTurns 20")
        .containsExactly("user:q1", "assistant:re: q1", "user:q2", "assistant:re: q2", "user:q3",
            "assistant:re: q3", "user:q4");
    List<SpanData> injects = service.spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals("context.inject")).toList();
    assertThat(injects).extracting(s -> s.getAttributes().get(ContextSpanAttributes.POLICY))
        .containsOnly("chat-context", "assistant-context");
  }

  @Test
  void aRequestWithoutItsRoutesSessionHeaderIsStateless() {
    Map<String, String> onlyTheOtherHeader = ContextService.chatHeaders("s-" + UUID.randomUUID());
    chat(onlyTheOtherHeader, "claude-3", "first");

    FakeEnvoy.Answers next = chat(onlyTheOtherHeader, "claude-3", "second");

    assertThat(messages(next.forwarded().body())).containsExactly("user:second");
    assertThat(next.forwarded().headers()).containsEntry("x-llm-model", "claude-3");
    assertThat(service.counter(ServiceMetrics.BYPASSES, "reason", "no_session")).isEqualTo(2);
  }
}
