package io.llmxds.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The ext_proc context service behind Envoy: a session's earlier turns are injected into its next request, under the
 * context policy of the route its body's model names (the service reads it from its own xDS flavor).
 */
class EnvoyContextTest extends EnvoyEndToEnd {

  @Test
  void theSecondTurnOfASessionReachesTheModelWithTheFirstTurnInjected() {
    HttpResponse<String> first = stack.chat("chat", "my name is Ada", "x-session-id", "s-1", "x-user-id", "u-1");
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(EdgeStack.answer(first)).contains("received 1 message");

    HttpResponse<String> second = stack.chat("chat", "what is my name?", "x-session-id", "s-1", "x-user-id", "u-1");
    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    assertThat(EdgeStack.answer(second)).as("turn 1 (user, assistant) + the new user message")
        .contains("received 3 messages");

    HttpResponse<String> other = stack.chat("chat", "hello", "x-session-id", "s-2", "x-user-id", "u-1");
    assertThat(EdgeStack.answer(other)).as("another session has no history").contains("received 1 message");
  }

  /**
   * Envoy opens the ext_proc stream on the catch-all route for a body-only client (X3); the service still applies
   * each route's own policy: chat keeps the Gateway's default (x-session-id, 20 turns), assistant gets its own
   * (x-conversation-id, 2 messages).
   */
  @Test
  void aBodyOnlyRequestGetsItsRoutesOwnContextPolicy() throws IOException {
    Files.writeString(stack.controlPlane().policies().resolve("assistant.yaml"), """
        apiVersion: llm-xds.io/v1alpha1
        kind: ContextPolicy
        metadata:
          name: assistant-memory
        spec:
          sessionHeader: x-conversation-id
          schema: v1
          maxTurns: 2
        ---
        apiVersion: llm-xds.io/v1alpha1
        kind: ModelRoute
        metadata:
          name: assistant
        spec:
          models: [assistant]
          backends:
            - provider: mock-a
          contextPolicy: assistant-memory
        """);
    stack.apply();

    assertThat(received("chat", "x-session-id", "s-3")).isEqualTo(1);
    assertThat(received("chat", "x-session-id", "s-3")).isEqualTo(3);
    assertThat(received("assistant", "x-session-id", "s-3")).as("not assistant's session header").isEqualTo(1);
    assertThat(received("assistant", "x-conversation-id", "c-1")).isEqualTo(1);
    assertThat(received("assistant", "x-conversation-id", "c-1")).isEqualTo(3);
    assertThat(received("assistant", "x-conversation-id", "c-1")).as("2 messages injected at most").isEqualTo(3);
  }

  /** One body-only request: how many messages the mock says reached it. */
  private int received(String model, String header, String value) {
    HttpResponse<String> reply = stack.chat(model, "hi", header, value);
    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
    String answer = EdgeStack.answer(reply);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("received (\\d+) messages?").matcher(answer);
    assertThat(m.find()).as(answer).isTrue();
    return Integer.parseInt(m.group(1));
  }
}
