package io.llmxds.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmxds.envoy.EdgePolicies.Edit;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The chat route's fallback through Envoy: its backends sit in aggregate clusters (backend, then mock-fallback), and a
 * retry of a failed try moves to the next priority (docs/envoy-semantics.md A1, A2, RT3, RT5). Each try gets its own
 * upstream rewriter (U1), which learns that try's provider from the chosen host (X19, A3), so the fallback is sent
 * its own model name — not the backend's rename, which a retry's shared header map would otherwise carry over (RT3).
 */
class EnvoyFallbackTest extends EnvoyEndToEnd {

  /** Every request's first try goes to mock-a ("weight: 10" first: it is a prefix of "weight: 100"). */
  static final List<Edit> MOCK_A_FIRST = List.of(new Edit("routes.yaml", "weight: 10", "weight: 0"),
      new Edit("routes.yaml", "weight: 90", "weight: 100"));
  /** The examples' fallback, given a model name of its own. */
  static final Edit OWN_FALLBACK_MODEL = new Edit("routes.yaml", "fallbacks: [mock-fallback]",
      "fallbacks: [{provider: mock-fallback, model: mock-model-fallback}]");
  /** mock-a answers 503 (a retry-on 5xx); the fallback, which gets the same headers, answers normally. */
  private static final String[] MOCK_A_FAILS = {"x-mock-fail-on", "mock-a"};

  @BeforeEach
  void sendEveryFirstTryToMockA() {
    stack.edit(MOCK_A_FIRST);
  }

  @Test
  void aFallbackWithAModelOfItsOwnAnswersUnderThatModelWhenTheBackendFails() {
    stack.edit(List.of(OWN_FALLBACK_MODEL));
    stack.apply();

    HttpResponse<String> served = stack.chat("chat", "hello");
    assertThat(served.headers().firstValue("x-llm-backend")).hasValue("mock-a");
    assertThat(EdgeStack.echoedModel(served)).as("the fallback's model stays the fallback's").isEqualTo("mock-model-a");

    HttpResponse<String> fellBack = stack.chat("chat", "hello", MOCK_A_FAILS);
    assertThat(fellBack.statusCode()).as(fellBack.body()).isEqualTo(200);
    assertThat(fellBack.headers().firstValue("x-llm-backend")).hasValue("mock-fallback");
    assertThat(EdgeStack.echoedModel(fellBack)).isEqualTo("mock-model-fallback");
    assertThat(EdgeStack.answer(fellBack)).startsWith("[mock-fallback] received 1 message");
    assertThat(stack.mock("mock-a").requests()).as("one served, one failed").isEqualTo(2);
    assertThat(stack.mock("mock-fallback").requests()).isEqualTo(1);
  }

  @Test
  void aFallbackWithoutAModelOfItsOwnIsSentTheClientsModelNotTheBackendsRename() {
    stack.apply();

    for (String model : new String[] {"chat", "gpt-4o-mini"}) {
      HttpResponse<String> fellBack = stack.chat(model, "hello", MOCK_A_FAILS);
      assertThat(fellBack.statusCode()).as(fellBack.body()).isEqualTo(200);
      assertThat(fellBack.headers().firstValue("x-llm-backend")).hasValue("mock-fallback");
      assertThat(EdgeStack.echoedModel(fellBack)).as("mock-a's rename (mock-model-a) is mock-a's alone")
          .isEqualTo(model);
    }
    assertThat(stack.mock("mock-b").requests()).isZero();
  }
}
