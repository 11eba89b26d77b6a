package io.llmxds.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The ext_proc context service behind Envoy: a session's earlier turns are injected into its next request. */
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
}
