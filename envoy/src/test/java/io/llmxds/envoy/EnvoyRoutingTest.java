package io.llmxds.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmxds.envoy.EdgePolicies.TestConsumer;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Requests through Envoy reach the backend their {@code model} routes to, and a weight edit moves them live. */
class EnvoyRoutingTest extends EnvoyEndToEnd {
  /** Of the premium tier: a split of 500 requests must not meet the default 100 a minute. */
  private static final TestConsumer PREMIUM = new TestConsumer("router", "premium", List.of(), "sk-routing-test-1");

  @Override
  List<TestConsumer> consumers() {
    return List.of(PREMIUM);
  }

  @Test
  void aChatRequestReachesTheBackendOfItsModelUnderTheBackendsModelName() {
    // In this order: "weight: 10" is a prefix of "weight: 100".
    stack.edit("routes.yaml", "weight: 10", "weight: 0");
    stack.edit("routes.yaml", "weight: 90", "weight: 100");
    stack.apply();

    for (String model : new String[] {"chat", "gpt-4o-mini"}) {
      HttpResponse<String> reply = stack.chat(model, "hello", PREMIUM.authorization());
      assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
      assertThat(reply.headers().firstValue("x-llm-backend")).hasValue("mock-a");
      assertThat(EdgeStack.echoedModel(reply)).as("mock-a serves the route's models as mock-model-a")
          .isEqualTo("mock-model-a");
      assertThat(EdgeStack.answer(reply)).startsWith("[mock-a] received 1 message");
    }
    assertThat(stack.mock("mock-b").requests()).isZero();
  }

  @Test
  void aModelNoRouteServesGetsAnOpenAiStyle404() {
    HttpResponse<String> reply = stack.chat("no-such-model", "hello", PREMIUM.authorization());

    assertThat(reply.statusCode()).isEqualTo(404);
    assertThat(reply.body()).contains("\"code\":\"model_not_found\"");
    assertThat(reply.headers().firstValue("x-llm-route-version")).hasValue(stack.routeVersion("unknown-model"));
  }

  @Test
  void aWeightSwapMovesTheSplitAndARollbackRestoresIt() {
    Map<String, Integer> before = split(200);
    assertThat(before.get("mock-a")).as("90/10 over 200 requests: %s", before).isGreaterThan(before.get("mock-b"));
    assertThat(before.get("mock-b")).as("90/10 over 200 requests: %s", before).isPositive();

    stack.edit("routes.yaml", "weight: 90", "weight: 0");
    stack.edit("routes.yaml", "weight: 10", "weight: 100");
    stack.apply();
    assertThat(split(100)).as("0/100").isEqualTo(Map.of("mock-a", 0, "mock-b", 100));

    stack.edit("routes.yaml", "weight: 0", "weight: 90");
    stack.edit("routes.yaml", "weight: 100", "weight: 10");
    stack.apply();
    Map<String, Integer> after = split(200);
    assertThat(after.get("mock-a")).as("back to 90/10: %s", after).isGreaterThan(after.get("mock-b"));
    assertThat(after.get("mock-b")).as("back to 90/10: %s", after).isPositive();
  }

  /**
   * How many of {@code requests} chat requests each backend answered (by {@code x-llm-backend}), as the premium
   * consumer: anyone else is held to 100 requests a minute.
   */
  private Map<String, Integer> split(int requests) {
    Map<String, Integer> counts = new TreeMap<>(Map.of("mock-a", 0, "mock-b", 0));
    for (int i = 0; i < requests; i++) {
      HttpResponse<String> reply = stack.chat("chat", "request " + i, PREMIUM.authorization());
      assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
      counts.merge(reply.headers().firstValue("x-llm-backend").orElseThrow(), 1, Integer::sum);
    }
    return counts;
  }
}
