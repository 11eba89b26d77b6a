package io.llmxds.filters.extproc;

import static io.llmxds.filters.extproc.ContextService.chunks;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.llmxds.common.ContextPolicyMetadata;
import io.llmxds.common.DataPathConfig;
import io.llmxds.filters.testing.TestDataPath;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The upstream phase of one try through the ext_proc model ({@link FakeEnvoy}) and the real service: the attributes
 * Envoy evaluates for the try (X19, U5) decide the provider's path, headers, body and answer
 * (docs/llm-apis.md "Translation"); and the downstream phase's part: the client's path and body length handed to
 * every try, and the 400 for what a route's providers cannot be given.
 */
class UpstreamPhaseTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> UPSTREAM =
      FakeEnvoy.headers(ContextPolicyMetadata.PHASE, ContextPolicyMetadata.PHASE_UPSTREAM);

  private final ContextService service = new ContextService();

  @AfterEach
  void close() {
    service.close();
  }

  @Test
  void anOpenAiChatTryToAnAnthropicProviderIsTranslatedThereAndBack() throws IOException {
    String body = resource("openai-request.json");
    Map<String, String>[] sent = new Map[1];
    String[] sentBody = new String[1];
    FakeEnvoy.Answers answers = service.envoy.exchange(
        tryTo("claude", "anthropic", "/v1", "/v1/chat/completions", body), UPSTREAM,
        clientHeaders("/v1/chat/completions", "authorization", "Bearer client-key"), body, forwarded -> {
          sent[0] = forwarded.headers();
          sentBody[0] = forwarded.body();
          return new FakeEnvoy.Upstream(FakeEnvoy.headers(":status", "200", "content-type", "application/json"),
              List.of(resource("anthropic-answer.json").getBytes(StandardCharsets.UTF_8)));
        });

    assertThat(sent[0]).containsEntry(":path", "/v1/messages").containsEntry("anthropic-version", "2023-06-01")
        .doesNotContainKey("authorization")
        .containsEntry("content-length", Integer.toString(sentBody[0].getBytes(StandardCharsets.UTF_8).length));
    JsonNode request = JSON.readTree(sentBody[0]);
    assertThat(request.has("max_tokens")).isTrue();
    assertThat(request.path("messages").isArray()).isTrue();
    JsonNode delivered = JSON.readTree(answers.delivered().body());
    assertThat(delivered.path("object").asText()).isEqualTo("chat.completion");
    assertThat(delivered.path("choices").path(0).path("finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(delivered.path("choices").path(0).path("message").path("tool_calls").path(0).path("function")
        .path("name").asText()).isEqualTo("get_weather");
    assertThat(delivered.path("usage").path("completion_tokens").asInt()).isEqualTo(91);
    assertThat(answers.delivered().headers()).containsEntry("content-length",
        Integer.toString(answers.delivered().body().getBytes(StandardCharsets.UTF_8).length));
    assertThat(service.counter(ServiceMetrics.REQUESTS, "outcome", "upstream_translated")).isEqualTo(1);
  }

  @Test
  void anAnthropicStreamReachesAnOpenAiClientAsChatChunksEndingWithDone() {
    String body = resource("openai-request.json").replace("\"model\"", "\"stream\":true,\"model\"");
    byte[] stream = resource("anthropic-stream.sse").getBytes(StandardCharsets.UTF_8);
    FakeEnvoy.Answers answers = service.envoy.exchange(
        tryTo("claude", "anthropic", "/v1", "/v1/chat/completions", body), UPSTREAM,
        clientHeaders("/v1/chat/completions"), body, forwarded -> new FakeEnvoy.Upstream(
            FakeEnvoy.headers(":status", "200", "content-type", "text/event-stream",
                "content-length", Integer.toString(stream.length)), chunks(stream, 97)));

    assertThat(answers.streamed()).isTrue();
    assertThat(answers.delivered().headers()).doesNotContainKey("content-length");
    String delivered = answers.delivered().body();
    assertThat(delivered).contains("chat.completion.chunk").contains("\"finish_reason\"").doesNotContain("event:");
    assertThat(delivered.trim()).endsWith("data: [DONE]");
  }

  /** A try that needs neither a new model nor a translation: headers only, the body and answer stay with Envoy. */
  @Test
  void aTryThatChangesNoBodySendsOnlyItsHeadersAndItsOwnLength() {
    String body = "{\"model\":\"text-embedding-3-small\",\"input\":\"hi\"}";
    Map<String, String> afterAnAnthropicTry = clientHeaders("/v1/messages", "x-api-key", "anthropic-key",
        "anthropic-version", "2023-06-01", "content-length", "999");
    FakeEnvoy.Answers answers = service.envoy.exchange(
        tryTo("azure", "openai", "/openai/v1", "/v1/embeddings?api-version=1", body), UPSTREAM,
        afterAnAnthropicTry, body, forwarded -> new FakeEnvoy.Upstream(FakeEnvoy.headers(":status", "200"),
            List.of("{}".getBytes(StandardCharsets.UTF_8))));

    assertThat(answers.requestBody()).as("no body message").isNull();
    assertOnlyNamesTheTry(answers, "azure", "openai", null);
    assertThat(answers.forwarded().headers()).containsEntry(":path", "/openai/v1/embeddings?api-version=1")
        .containsEntry("content-length", Integer.toString(body.length()))
        .doesNotContainKeys("x-api-key", "anthropic-version");
    assertThat(answers.forwarded().body()).isEqualTo(body);
  }

  /** The route renames the model for an Anthropic client's own API: the body is rewritten, nothing translated. */
  @Test
  void anAnthropicClientOnAnAnthropicProviderKeepsItsBodyButForTheModel() throws IOException {
    String body = resource("anthropic-request.json");
    Map<String, String> attributes = new LinkedHashMap<>(tryTo("claude", "anthropic", "", "/v1/messages", body)
        .attributes());
    attributes.put(ContextPolicyMetadata.UPSTREAM_MODEL_ATTRIBUTE, "claude-opus-4");
    attributes.put(ContextPolicyMetadata.UPSTREAM_API_ROOT_ATTRIBUTE, "/anthropic/v1");
    FakeEnvoy.Answers answers = service.envoy.exchange(FakeEnvoy.Filter.upstreamRewriter(
        ContextProcessorTest.REWRITER, attributes), UPSTREAM,
        clientHeaders("/v1/messages", "anthropic-version", "2023-01-01"), body, forwarded -> new FakeEnvoy.Upstream(
            FakeEnvoy.headers(":status", "200"), List.of("{}".getBytes(StandardCharsets.UTF_8))));

    assertThat(answers.forwarded().headers()).containsEntry(":path", "/anthropic/v1/messages")
        .as("the client's own version is kept").containsEntry("anthropic-version", "2023-01-01");
    JsonNode sent = JSON.readTree(answers.forwarded().body());
    assertThat(sent.path("model").asText()).isEqualTo("claude-opus-4");
    assertThat(sent.path("max_tokens")).isEqualTo(JSON.readTree(body).path("max_tokens"));
    assertOnlyNamesTheTry(answers, "claude", "anthropic", "claude-opus-4");
  }

  @Test
  void theDownstreamPhaseHandsEveryTryTheClientsPathAndBodyLength() {
    configureRoute("chat", List.of("openai"), "gpt-4o");
    String body = ContextService.chatRequest("gpt-4o", null, "hi");
    FakeEnvoy.Answers answers = service.envoy.exchange(Map.of(), clientHeaders("/v1/chat/completions?trace=1"),
        body, forwarded -> new FakeEnvoy.Upstream(FakeEnvoy.headers(":status", "200"), List.of(new byte[0])));

    Struct client = answers.requestBody().getDynamicMetadata().getFieldsOrThrow(ContextPolicyMetadata.CLIENT_NAMESPACE)
        .getStructValue();
    assertThat(client.getFieldsOrThrow(ContextPolicyMetadata.CLIENT_PATH_KEY).getStringValue())
        .isEqualTo("/v1/chat/completions?trace=1");
    assertThat(client.getFieldsOrThrow(ContextPolicyMetadata.CLIENT_BODY_BYTES_KEY).getStringValue())
        .isEqualTo(Integer.toString(answers.forwarded().body().getBytes(StandardCharsets.UTF_8).length));
  }

  @Test
  void aFieldNoAnthropicProviderTakesIsRefusedBeforeAnyTryNamingIt() throws IOException {
    configureRoute("mixed", List.of("anthropic", "openai"), "house-model");
    String body = "{\"model\":\"house-model\",\"top_logprobs\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    FakeEnvoy.Answers answers = service.envoy.exchange(Map.of(), clientHeaders("/v1/chat/completions"), body,
        forwarded -> {
          throw new AssertionError("no try may start");
        });

    FakeEnvoy.LocalReply reply = answers.localReply().orElseThrow();
    assertThat(reply.status()).isEqualTo(400);
    JsonNode error = JSON.readTree(reply.body()).path("error");
    assertThat(error.path("param").asText()).isEqualTo("top_logprobs");
    assertThat(error.path("message").asText()).contains("top_logprobs").contains("anthropic").contains("mixed");
  }

  @Test
  void anEndpointAnAnthropicProviderDoesNotOfferIsRefusedInTheClientsShape() throws IOException {
    configureRoute("claude", List.of("anthropic"), "claude");
    FakeEnvoy.Answers answers = service.envoy.exchange(Map.of(), clientHeaders("/v1/embeddings"),
        "{\"model\":\"claude\",\"input\":\"hi\"}", forwarded -> {
          throw new AssertionError("no try may start");
        });

    FakeEnvoy.LocalReply reply = answers.localReply().orElseThrow();
    assertThat(reply.status()).isEqualTo(400);
    assertThat(JSON.readTree(reply.body()).path("error").path("message").asText())
        .contains("anthropic API, which does not offer /v1/embeddings");
  }

  /**
   * Random mutations of a chat request through a translated try (LlmApiFuzzTest's mutations), with an Anthropic
   * answer: every body leaves with its own length, every answer reaches the client as JSON, and no message fails the
   * service (its {@code internal} errors stay at 0; a failure would pass the message unchanged and hide).
   */
  @Test
  void mutatedBodiesThroughATranslatedTryNeverFailTheService() throws IOException {
    String valid = resource("openai-request.json");
    byte[] answer = resource("anthropic-answer.json").getBytes(StandardCharsets.UTF_8);
    java.util.Random random = new java.util.Random(23);
    for (int i = 0; i < 200; i++) {
      String body = LlmApiFuzzTest.mutate(valid, random);
      FakeEnvoy.Answers answers = service.envoy.exchange(
          tryTo("claude", "anthropic", "/v1", "/v1/chat/completions", body), UPSTREAM,
          clientHeaders("/v1/chat/completions"), body, forwarded -> {
            assertThat(forwarded.headers().get("content-length")).as(body)
                .isEqualTo(Integer.toString(forwarded.body().getBytes(StandardCharsets.UTF_8).length));
            return new FakeEnvoy.Upstream(FakeEnvoy.headers(":status", "200", "content-type", "application/json",
                "content-length", Integer.toString(answer.length)), List.of(answer));
          });
      assertThat(answers.localReply()).as(body).isEmpty();
      JSON.readTree(answers.delivered().body());
    }
    assertThat(service.counter(ServiceMetrics.ERRORS, "stage", "internal")).isZero();
  }

  private void configureRoute(String name, List<String> providerApis, String model) {
    Value.Builder apis = Value.newBuilder();
    providerApis.forEach(api -> apis.getListValueBuilder().addValues(Value.newBuilder().setStringValue(api)));
    service.configure(TestDataPath.Config.of("1", List.of(TestDataPath.memoryStore()),
        TestDataPath.routeWithoutPolicy(name, model).toBuilder()
            .setMetadata(io.envoyproxy.envoy.config.core.v3.Metadata.newBuilder().putFilterMetadata(
                DataPathConfig.ROUTE_METADATA, Struct.newBuilder()
                    .putFields(DataPathConfig.ROUTE_PROVIDER_APIS, apis.build()).build()))
            .build()));
  }

  /**
   * The answer is not read, only its headers are answered: they name the try for the client-facing phase
   * ({@link TryIdentity}, docs/envoy-semantics.md G1), a header without a value is removed.
   */
  private static void assertOnlyNamesTheTry(FakeEnvoy.Answers answers, String provider, String api, String model) {
    assertThat(answers.responseBodies()).as("the answer's body is not read").isEmpty();
    assertThat(answers.responseHeaders().hasModeOverride()).isFalse();
    CommonResponse common = answers.responseHeaders().getResponseHeaders().getResponse();
    assertThat(ContextProcessorTest.header(common, TryIdentity.PROVIDER_HEADER)).contains(provider);
    assertThat(ContextProcessorTest.header(common, TryIdentity.API_HEADER)).contains(api);
    if (model == null) {
      assertThat(common.getHeaderMutation().getRemoveHeadersList()).containsExactly(TryIdentity.MODEL_HEADER);
    } else {
      assertThat(ContextProcessorTest.header(common, TryIdentity.MODEL_HEADER)).contains(model);
    }
    assertThat(answers.delivered().headers()).containsEntry(TryIdentity.PROVIDER_HEADER, provider);
  }

  /** The upstream phase as the control plane configures it, for a try whose attributes Envoy evaluated so. */
  private static FakeEnvoy.Filter tryTo(String provider, String api, String apiRoot, String clientPath, String body) {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put(ContextPolicyMetadata.UPSTREAM_PROVIDER_ATTRIBUTE, provider);
    attributes.put(ContextPolicyMetadata.UPSTREAM_API_ATTRIBUTE, api);
    attributes.put(ContextPolicyMetadata.UPSTREAM_API_ROOT_ATTRIBUTE, apiRoot);
    attributes.put(ContextPolicyMetadata.CLIENT_PATH_ATTRIBUTE, clientPath);
    attributes.put(ContextPolicyMetadata.CLIENT_BODY_BYTES_ATTRIBUTE,
        Integer.toString(body.getBytes(StandardCharsets.UTF_8).length));
    return FakeEnvoy.Filter.upstreamRewriter(ContextProcessorTest.REWRITER, attributes);
  }

  private static Map<String, String> clientHeaders(String path, String... more) {
    Map<String, String> headers = FakeEnvoy.headers(":method", "POST", ":path", path,
        "content-type", "application/json");
    headers.putAll(FakeEnvoy.headers(more));
    return headers;
  }

  private static String resource(String name) {
    try (InputStream in = UpstreamPhaseTest.class.getResourceAsStream("/unified/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
