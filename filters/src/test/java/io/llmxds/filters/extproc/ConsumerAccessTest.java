package io.llmxds.filters.extproc;

import static io.llmxds.filters.extproc.ContextService.chatHeaders;
import static io.llmxds.filters.extproc.ContextService.chatRequest;
import static io.llmxds.filters.extproc.ContextService.with;
import static io.llmxds.filters.testing.TestDataPath.memoryStore;
import static io.llmxds.filters.testing.TestDataPath.route;
import static io.llmxds.filters.testing.TestDataPath.routeWithoutPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmxds.common.DataPathConfig;
import io.llmxds.common.GatewayIdentity;
import io.llmxds.filters.testing.TestDataPath.Config;
import io.llmxds.filters.testing.TestDataPath.Consumer;
import io.llmxds.filters.testing.TestDataPath.Policy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which ModelRoutes a consumer may call, checked by the context service once the body's model picks the route
 * (docs/context-protocol.md "Authentication"): 403 otherwise, whatever the route's failure mode; routes without a
 * context policy are checked too; unknown models go on as before.
 */
class ConsumerAccessTest {
  private static final String EMBED_FORBIDDEN = "{\"error\":{\"message\":\"The model 'text-embedding-3' is not "
      + "available to this API key.\",\"type\":\"invalid_request_error\",\"code\":\"model_not_allowed\"}}";

  private static Config config() {
    return Config.of("1", List.of(memoryStore()),
        route("chat", Policy.of("default", "memory"), "gpt-4o"),
        route("premium", Policy.of("strict", "memory").withFailureMode("closed"), "o3"),
        routeWithoutPolicy("embed", "text-embedding-3"))
        .withConsumers(Consumer.of("a", "key-a").allowedOnly("chat"), Consumer.of("b", "key-b"));
  }

  @Test
  void aModelRouteTheConsumerMayNotUseIsA403WhateverItsFailureMode() {
    try (ContextService service = new ContextService()) {
      service.configure(config());

      FakeEnvoy.Answers embed = service.chatWithKey("key-a", "s1", chatRequest("text-embedding-3", null, "x"), "y");
      assertThat(embed.localReply()).hasValue(new FakeEnvoy.LocalReply(403,
          Map.of("content-type", "application/json"), EMBED_FORBIDDEN, "model_not_allowed"));
      assertThat(embed.forwarded()).isNull();
      FakeEnvoy.Answers closed = service.chatWithKey("key-a", "s1", chatRequest("o3", null, "x"), "y");
      assertThat(closed.localReply()).hasValueSatisfying(reply -> {
        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.body()).contains("'o3'", "model_not_allowed");
      });
      assertThat(service.counter("llm_xds.context.requests", "outcome", "model_not_allowed")).isEqualTo(2);

      assertThat(service.chatWithKey("key-a", "s1", chatRequest("gpt-4o", null, "x"), "y").localReply()).isEmpty();
    }
  }

  /** The check holds on every LLM API, each refusing in its own error shape (docs/llm-apis.md). */
  @Test
  void theCheckHoldsOnEveryLlmApiInItsErrorShape() {
    try (ContextService service = new ContextService()) {
      service.configure(config());
      Map<String, String> embeddings = with(chatHeaders("s1"), ":path", "/v1/embeddings",
          "authorization", "Bearer key-a");
      Map<String, String> messages = with(chatHeaders("s1"), ":path", "/v1/messages", "authorization", "Bearer key-a");

      FakeEnvoy.Answers embed = service.envoy.exchangeAuthorized(new FakeEnvoy.Http(Map.of(), embeddings,
          "{\"model\":\"text-embedding-3\",\"input\":\"x\"}", ContextService.jsonResponseHeaders(),
          List.of(new byte[0])));
      FakeEnvoy.Answers anthropic = service.envoy.exchangeAuthorized(new FakeEnvoy.Http(Map.of(), messages,
          "{\"model\":\"o3\",\"max_tokens\":1,\"messages\":[]}", ContextService.jsonResponseHeaders(),
          List.of(new byte[0])));

      assertThat(embed.localReply().orElseThrow().body()).isEqualTo(EMBED_FORBIDDEN);
      assertThat(anthropic.localReply().orElseThrow().status()).isEqualTo(403);
      assertThat(anthropic.localReply().orElseThrow().body()).isEqualTo("{\"type\":\"error\",\"error\":"
          + "{\"type\":\"permission_error\",\"message\":\"The model 'o3' is not available to this API key.\"}}");
    }
  }

  @Test
  void aRouteWithoutAContextPolicyServesAnAllowedConsumerWithoutContext() {
    try (ContextService service = new ContextService()) {
      service.configure(config());

      FakeEnvoy.Answers first = service.chatWithKey("key-b", "s1", chatRequest("text-embedding-3", null, "q1"), "a1");
      FakeEnvoy.Answers second = service.chatWithKey("key-b", "s1", chatRequest("text-embedding-3", null, "q2"), "a2");

      assertThat(first.localReply()).isEmpty();
      assertThat(second.forwarded().headers()).containsEntry(DataPathConfig.MODEL_HEADER, "text-embedding-3")
          .containsEntry(GatewayIdentity.CONSUMER_HEADER, "b");
      assertThat(ContextService.messages(second.upstreamBody(""))).as("no history: no policy")
          .containsExactly("user:q2");
      assertThat(service.counter("llm_xds.context.bypasses", "reason", "no_policy")).isEqualTo(2);
    }
  }

  @Test
  void anUnknownModelGoesOnAsBefore() {
    try (ContextService service = new ContextService()) {
      service.configure(config());

      FakeEnvoy.Answers unknown = service.chatWithKey("key-a", "s1", chatRequest("mystery", null, "x"), "y");

      assertThat(unknown.localReply()).isEmpty();
      assertThat(unknown.forwarded().headers()).containsEntry(DataPathConfig.MODEL_HEADER, "mystery");
    }
  }

  @Test
  void aRequestThatNamesNoConsumerOfTheConfigIsA401() {
    try (ContextService service = new ContextService()) {
      service.configure(config());
      String body = chatRequest("gpt-4o", null, "x");
      Map<String, String> jsonHeaders = Map.of("content-type", "application/json", "www-authenticate", "Bearer");

      for (Map<String, String> headers : List.of(chatHeaders("s1"),
          with(chatHeaders("s1"), GatewayIdentity.CONSUMER_HEADER, "ghost"))) {
        FakeEnvoy.Answers answers = service.envoy.exchange(new FakeEnvoy.Http(Map.of(), headers, body,
            ContextService.jsonResponseHeaders(), List.of()));
        assertThat(answers.localReply()).hasValue(new FakeEnvoy.LocalReply(401, jsonHeaders,
            AuthorizationServiceTest.INVALID_KEY_BODY, "consumer_unknown"));
      }
      assertThat(service.counter("llm_xds.context.requests", "outcome", "unauthenticated")).isEqualTo(2);
    }
  }
}
