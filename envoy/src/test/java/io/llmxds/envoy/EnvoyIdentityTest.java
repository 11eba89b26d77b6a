package io.llmxds.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmxds.envoy.EdgePolicies.TestConsumer;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Consumers through Envoy (docs/translation.md "Identity"; docs/envoy-semantics.md I1–I4, EA1–EA6): ext_authz first
 * asks the data-path service about the key; a missing or unknown key is a 401, a model the consumer may not use a
 * 403, both the service's OpenAI-style JSON as Envoy's local reply; the key never goes upstream; with the service
 * down every request is refused with a JSON 503, whatever the context policy's failure mode.
 */
class EnvoyIdentityTest extends EnvoyEndToEnd {

  private static final TestConsumer CHAT_ONLY = new TestConsumer("chat-only", "default", List.of("chat"),
      "sk-identity-chat-only-4b1f");
  private static final TestConsumer EVERY_ROUTE = new TestConsumer("every-route", "default", List.of(),
      "sk-identity-every-route-9d2e");

  @Override
  List<TestConsumer> consumers() {
    return List.of(CHAT_ONLY, EVERY_ROUTE);
  }

  @Test
  void aRequestWithoutAKeyIs401WithTheOpenAiError() {
    HttpResponse<String> reply = stack.chat("chat", "hello");

    assertThat(reply.statusCode()).isEqualTo(401);
    assertThat(reply.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(reply.body()).isEqualTo("{\"error\":{\"message\":\"Missing API key. Send it as 'Authorization: "
        + "Bearer <key>', 'x-api-key: <key>' or 'api-key: <key>'.\",\"type\":\"invalid_request_error\","
        + "\"code\":\"missing_api_key\"}}");
  }

  @Test
  void anUnknownKeyIs401AndIsNotEchoed() {
    HttpResponse<String> reply = stack.chat("chat", "hello", "authorization", "Bearer sk-made-up-key-0000");

    assertThat(reply.statusCode()).isEqualTo(401);
    assertThat(reply.body()).isEqualTo("{\"error\":{\"message\":\"Incorrect API key provided.\","
        + "\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}");
  }

  @Test
  void aConsumersKeyIsServedAndNeverReachesTheProvider() {
    HttpResponse<String> reply = stack.chat("chat", "hello", CHAT_ONLY.authorization());

    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
    String backend = reply.headers().firstValue("x-llm-backend").orElseThrow();
    Map<String, List<String>> upstream = stack.mock(backend).lastHeaders();
    assertThat(upstream.toString()).as("what the provider received").doesNotContain(CHAT_ONLY.key());
    assertThat(upstream.get("x-llm-consumer")).as("set by the gateway").containsExactly("chat-only");
  }

  @Test
  void aModelOutsideTheConsumersRoutesIs403() {
    HttpResponse<String> refused = stack.chat("gpt-4o", "hello", CHAT_ONLY.authorization());

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(refused.body()).isEqualTo("{\"error\":{\"message\":\"The model 'gpt-4o' is not available to this "
        + "API key.\",\"type\":\"invalid_request_error\",\"code\":\"model_not_allowed\"}}");
    assertThat(stack.chat("gpt-4o", "hello", EVERY_ROUTE.authorization()).statusCode()).isEqualTo(200);
  }

  /** The examples' context policy fails open; authentication does not (I4: failure_mode_allow false, 503). */
  @Test
  void withTheAuthenticatorDownEveryRequestIsRefused() throws Exception {
    assertThat(stack.chat("chat", "before", EVERY_ROUTE.authorization()).statusCode()).isEqualTo(200);

    stack.stopContextService();

    HttpResponse<String> reply = stack.chat("chat", "after", EVERY_ROUTE.authorization());
    assertThat(reply.statusCode()).isEqualTo(503);
    // Envoy's JSON formatter writes the mapper's body (key order and a final newline are its own).
    JsonNode error = new ObjectMapper().readTree(reply.body()).path("error");
    assertThat(error.path("message").asText()).isEqualTo("authentication is unavailable");
    assertThat(error.path("type").asText()).isEqualTo("authentication_unavailable");
    assertThat(error.path("code").asText()).isEqualTo("authentication_unavailable");
  }
}
