package io.llmxds.filters.extproc;

import static io.llmxds.filters.extproc.ContextProcessorTest.header;
import static io.llmxds.filters.extproc.ContextProcessorTest.requestHeaders;
import static io.llmxds.filters.extproc.ContextService.chatHeaders;
import static io.llmxds.filters.extproc.ContextService.chatRequest;
import static io.llmxds.filters.extproc.ContextService.jsonAnswer;
import static io.llmxds.filters.extproc.ContextService.jsonResponseHeaders;
import static io.llmxds.filters.extproc.ContextService.messages;
import static io.llmxds.filters.testing.TestPolicies.examplePolicy;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ImmediateResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.llmxds.filters.testing.LocalRedis;
import io.llmxds.filters.testing.TestDataPath;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/context-protocol.md "What happens on every kind of failure": the request always goes on. */
class BadInputTest {
  private static final int MAX_BODY = 4096;
  /** Before any config: the built-in default, with {@code MAX_BODY} as the body limit. */
  private final ContextService service = new ContextService(MAX_BODY);

  @AfterEach
  void close() {
    service.close();
  }

  private static String session() {
    return "s-" + UUID.randomUUID();
  }

  private FakeEnvoy.Answers chatWithBody(String body) {
    return service.envoy.exchange(new FakeEnvoy.Http(Map.of(), chatHeaders(session()), body, jsonResponseHeaders(),
        List.of(jsonAnswer("m", "ok", 1, 1))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"hello", "{\"model\":\"m\",\"messages\":[", "[1,2]", "{} trailing", ""})
  void aBodyThatIsNotAJsonObjectGetsA400AndReachesNoUpstream(String body) {
    FakeEnvoy.Answers answers = chatWithBody(body);

    assertThat(answers.forwarded()).isNull();
    FakeEnvoy.LocalReply reply = answers.localReply().orElseThrow();
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.body()).contains("\"type\":\"invalid_request_error\"")
        .containsPattern("\"message\":\"the body (is not valid JSON at line 1, column \\d+: |must be a JSON object)");
    assertThat(service.counter(ServiceMetrics.BYPASSES, "reason", "not_json")).isEqualTo(1);
  }

  @Test
  void jsonWithoutMessagesIsRoutedByModelButGetsNoContext() {
    FakeEnvoy.Answers answers = chatWithBody("{\"model\":\"gpt-4o\",\"prompt\":\"hi\"}");

    CommonResponse common = answers.requestBody().getRequestBody().getResponse();
    assertThat(header(common, "x-llm-model")).contains("gpt-4o");
    assertThat(common.hasBodyMutation()).isFalse();
    assertThat(service.counter(ServiceMetrics.BYPASSES, "reason", "no_messages")).isEqualTo(1);
  }

  @Test
  void aModelThatIsNotAValidHeaderValueIsNotRouted() {
    FakeEnvoy.Answers answers = chatWithBody(chatRequest("gpt\n4o", null, "hi"));

    CommonResponse common = answers.requestBody().getRequestBody().getResponse();
    assertThat(header(common, "x-llm-model")).isEmpty();
    assertThat(common.getClearRouteCache()).isFalse();
  }

  @Test
  void invalidUtf8PassesUntouched() {
    byte[] body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"\u00e9\"}]}"
        .getBytes(StandardCharsets.UTF_8);
    byte[] broken = java.util.Arrays.copyOf(body, body.length);
    int at = new String(body, StandardCharsets.ISO_8859_1).indexOf('\u00c3');
    broken[at + 1] = (byte) 0x28; // a lead byte followed by an ASCII byte: malformed
    FakeEnvoy.Stream stream = service.envoy.open(Map.of());
    stream.send(requestHeaders(chatHeaders(session())));
    ProcessingResponse answer = stream.send(ProcessingRequest.newBuilder()
        .setRequestBody(HttpBody.newBuilder().setBody(ByteString.copyFrom(broken)).setEndOfStream(true)).build());
    stream.end();

    assertThat(answer.getRequestBody().getResponse()).isEqualTo(CommonResponse.getDefaultInstance());
    assertThat(service.counter(ServiceMetrics.BYPASSES, "reason", "invalid_utf8")).isEqualTo(1);
  }

  /** Passed on unread it would lose its model and end on the catch-all route: a clear 413 instead. */
  @Test
  void aChatBodyOverTheLimitIsAnsweredWithAJson413() throws Exception {
    FakeEnvoy.Answers answers = chatWithBody(chatRequest("gpt-4o", null, "x".repeat(MAX_BODY)));
    FakeEnvoy.LocalReply reply = answers.localReply().orElseThrow();
    assertThat(reply.status()).isEqualTo(413);
    assertThat(reply.headers()).containsEntry("content-type", "application/json");
    assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(reply.body()).path("error").path("code")
        .asText()).isEqualTo("request_too_large");
    assertThat(answers.forwarded()).as("never sent upstream").isNull();
    assertThat(service.counter(ServiceMetrics.BYPASSES, "reason", "body_too_large")).isEqualTo(1);
  }

  /** Before any config every chat request runs under the built-in default, whatever its model. */
  @Test
  void beforeAnyConfigEveryChatRequestRunsUnderTheBuiltInDefault() {
    String session = session();
    service.chat(session, chatRequest("m", null, "first"), "one");
    String next = "{\"model\":\"other\",\"messages\":[{\"role\":\"user\",\"content\":\"second\"}]}";

    FakeEnvoy.Answers answers = service.chat(session, next, "two");

    assertThat(messages(answers.upstreamBody(next))).containsExactly("user:first", "assistant:one", "user:second");
    assertThat(service.snapshots.current().config()).isEqualTo("built-in default");
  }

  /** Model routing still happens; Envoy answers such a model with its 404 route anyway. */
  @Test
  void aModelNoRouteMatchesKeepsNoContext() {
    service.configure(TestDataPath.Config.of("1", List.of(TestDataPath.memoryStore()),
        TestDataPath.route("chat", examplePolicy(), "gpt-4o")));
    String session = session();
    service.chat(session, chatRequest("m", null, "first"), "one");
    String next = chatRequest("m", null, "second");

    FakeEnvoy.Answers answers = service.chat(session, next, "two");

    CommonResponse common = answers.requestBody().getRequestBody().getResponse();
    assertThat(header(common, "x-llm-model")).contains("m");
    assertThat(common.getClearRouteCache()).isTrue();
    assertThat(messages(answers.upstreamBody(next))).containsExactly("user:second");
    assertThat(service.counter(ServiceMetrics.BYPASSES, "reason", "no_policy")).isEqualTo(2);
  }

  @Test
  void malformedSsePassesThroughAndStoresNothing() {
    String session = session();
    List<byte[]> sse = List.of(
        "data: {\"choices\":[{\"delta\":{\"content\":\"par\"}}]}\n\n".getBytes(StandardCharsets.UTF_8),
        "data: {not json\n\ndata: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    FakeEnvoy.Answers answers = service.envoy.exchange(new FakeEnvoy.Http(Map.of(), chatHeaders(session),
        chatRequest("m", null, "first"), ContextService.sseResponseHeaders(), sse));
    String next = chatRequest("m", null, "second");
    FakeEnvoy.Answers after = service.chat(session, next, "two");

    assertThat(answers.responseBodies()).allSatisfy(
        r -> assertThat(r.getResponseBody().getResponse()).isEqualTo(CommonResponse.getDefaultInstance()));
    assertThat(messages(after.upstreamBody(next))).containsExactly("user:second");
    assertThat(service.counter(ServiceMetrics.BYPASSES, "reason", "malformed_sse")).isEqualTo(1);
  }

  @Test
  void aStreamCutBeforeDoneStoresNothing() {
    String session = session();
    byte[] whole = ContextService.sseAnswer("m", 1, 1, "half an answer");
    byte[] cut = java.util.Arrays.copyOf(whole, new String(whole, StandardCharsets.UTF_8).indexOf("data: [DONE]"));
    service.envoy.exchange(new FakeEnvoy.Http(Map.of(), chatHeaders(session), chatRequest("m", null, "first"),
        ContextService.sseResponseHeaders(), ContextService.chunks(cut, 50)));
    String next = chatRequest("m", null, "second");

    assertThat(messages(service.chat(session, next, "two").upstreamBody(next)))
        .containsExactly("user:second");
  }

  @Test
  void aFailedUpstreamAnswerStoresNothing() {
    String session = session();
    service.envoy.exchange(new FakeEnvoy.Http(Map.of(), chatHeaders(session), chatRequest("m", null, "first"),
        FakeEnvoy.headers(":status", "429", "content-type", "application/json"),
        List.of("{\"error\":{\"message\":\"slow down\"}}".getBytes(StandardCharsets.UTF_8))));
    String next = chatRequest("m", null, "second");

    assertThat(messages(service.chat(session, next, "two").upstreamBody(next)))
        .containsExactly("user:second");
  }

  private static void assertContextUnavailable(FakeEnvoy.Answers answers) {
    ImmediateResponse immediate = answers.requestBody().getImmediateResponse();
    assertThat(immediate.getStatus().getCodeValue()).isEqualTo(503);
    assertThat(immediate.getBody().toStringUtf8()).isEqualTo(
        "{\"error\":{\"message\":\"conversation context unavailable\",\"type\":\"context_unavailable\"}}");
    assertThat(immediate.getHeaders().getSetHeadersList())
        .anySatisfy(h -> assertThat(h.getHeader().getRawValue().toStringUtf8()).isEqualTo("application/json"));
    assertThat(answers.responseHeaders()).as("the upstream is never called").isNull();
  }

  @Test
  void aStoppedRedisFailsOpenOrClosedPerPolicyAndAWriteFailureLosesOnlyThatExchange() throws Exception {
    try (LocalRedis redis = LocalRedis.start()) {
      TestDataPath.Policy onRedis = TestDataPath.Policy.of("on-redis", "redis");
      service.configure(TestDataPath.Config.of("1", List.of(TestDataPath.redisStore("redis", redis.uri())),
          TestDataPath.route("open", onRedis, "m"), TestDataPath.route("closed", onRedis.withFailureMode("closed"),
              "m-closed")));
      String session = session();
      service.chat(session, chatRequest("m", null, "kept"), "stored");

      // The store goes away between the request (read) and the answer (write).
      FakeEnvoy.Stream stream = service.envoy.open(Map.of());
      stream.send(requestHeaders(chatHeaders(session)));
      ProcessingResponse injected = stream.send(ContextProcessorTest.requestBody(chatRequest("m", null, "lost")));
      redis.stop();
      stream.send(ProcessingRequest.newBuilder()
          .setResponseHeaders(HttpHeaders.newBuilder().setHeaders(FakeEnvoy.headerMap(jsonResponseHeaders())))
          .build());
      ProcessingResponse answer = stream.send(ProcessingRequest.newBuilder()
          .setResponseBody(HttpBody.newBuilder().setBody(ByteString.copyFrom(jsonAnswer("m", "gone", 1, 1)))
              .setEndOfStream(true))
          .build());
      stream.end();

      assertThat(messages(injected.getRequestBody().getResponse().getBodyMutation().getBody().toStringUtf8()))
          .containsExactly("user:kept", "assistant:stored", "user:lost");
      assertThat(answer.getResponseBody().getResponse()).isEqualTo(CommonResponse.getDefaultInstance());
      assertThat(service.counter(ServiceMetrics.ERRORS, "stage", "write")).isEqualTo(1);

      service.spans.reset();
      FakeEnvoy.Answers failedOpen = service.chat(session, chatRequest("m", null, "hi"), "yo");
      CommonResponse open = failedOpen.requestBody().getRequestBody().getResponse();
      assertThat(header(open, "x-llm-model")).contains("m");
      assertThat(open.hasBodyMutation()).isFalse();
      assertThat(failedOpen.responseBodies()).hasSize(1);
      SpanData inject = service.spans.getFinishedSpanItems().stream()
          .filter(s -> s.getName().equals("context.inject")).findFirst().orElseThrow();
      assertThat(inject.getEvents()).extracting(e -> e.getName()).containsExactly("context.store_unavailable");
      assertThat(service.counter(ServiceMetrics.REQUESTS, "outcome", "store_failed_open")).isEqualTo(1);
      assertContextUnavailable(service.chat(session, chatRequest("m-closed", null, "hi"), "yo"));
      assertThat(service.counter(ServiceMetrics.ERRORS, "stage", "read")).isEqualTo(2);
    }
  }

  @Test
  void aRequestWithoutBodyIsAnsweredAndTheStreamEnds() {
    FakeEnvoy.Answers answers = service.envoy.exchange(new FakeEnvoy.Http(Map.of(), chatHeaders(session()), null,
        jsonResponseHeaders(), List.of(jsonAnswer("m", "ok", 1, 1))));

    assertThat(answers.requestBody()).isNull();
    assertThat(answers.responseBodies()).hasSize(1);
    assertThat(service.meters.find(ServiceMetrics.ERRORS).counters()).isEmpty();
  }
}
