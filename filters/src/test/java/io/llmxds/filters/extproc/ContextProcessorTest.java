package io.llmxds.filters.extproc;

import static io.llmxds.filters.extproc.ContextService.chatHeaders;
import static io.llmxds.filters.extproc.ContextService.chatRequest;
import static io.llmxds.filters.extproc.ContextService.messages;
import static io.llmxds.filters.extproc.ContextService.with;
import static io.llmxds.filters.testing.TestPolicies.examplePolicy;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.HeaderSendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.llmxds.common.ContextPolicyMetadata;
import io.llmxds.filters.context.RequestPolicy;
import io.llmxds.filters.context.SessionKey;
import io.llmxds.filters.context.StoredConversationMemory;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The context service under the example's chat policy, served to every model by the data-path config. */
class ContextProcessorTest {
  private final ContextService service = new ContextService();

  @BeforeEach
  void configure() {
    service.configure("1", examplePolicy());
  }

  @AfterEach
  void close() {
    service.close();
  }

  private static String session() {
    return "s-" + UUID.randomUUID();
  }

  @Test
  void theSecondRequestCarriesTheFirstExchangeAfterTheSystemMessage() {
    String session = session();
    FakeEnvoy.Answers first = service.chat(session, chatRequest("gpt-4o", "Be brief.", "Hi, I am Ada."),
        "Hello Ada.");
    assertThat(first.requestBody().getRequestBody().getResponse().hasBodyMutation())
        .as("nothing to inject into a new session's first request").isFalse();

    String second = chatRequest("gpt-4o", "Be brief.", "What is my name?");
    FakeEnvoy.Answers answers = service.chat(session, second, "Ada.");

    CommonResponse common = answers.requestBody().getRequestBody().getResponse();
    String upstream = answers.upstreamBody(second);
    assertThat(messages(upstream)).containsExactly(
        "system:Be brief.", "user:Hi, I am Ada.", "assistant:Hello Ada.", "user:What is my name?");
    assertThat(header(common, "content-length"))
        .contains(Integer.toString(upstream.getBytes(StandardCharsets.UTF_8).length));
    assertThat(service.counter(ServiceMetrics.REQUESTS, "outcome", "injected")).isEqualTo(2);
  }

  @Test
  void afterMaxTurnsTheOldestAreDroppedFromStoreAndInjection() {
    String session = session();
    service.configure("2", examplePolicy().withMaxTurns(4));
    for (int i = 1; i <= 3; i++) {
      service.chat(session, chatRequest("gpt-4o", null, "q" + i), "a" + i);
    }
    String next = chatRequest("gpt-4o", null, "q4");
    FakeEnvoy.Answers answers = service.chat(session, next, "a4");

    assertThat(messages(answers.upstreamBody(next))).containsExactly("user:q2", "assistant:a2", "user:q3",
        "assistant:a3", "user:q4");
  }

  @Test
  void maxInjectedCharsDropsTheOldestTurnsUntilTheHistoryFits() {
    String session = session();
    service.configure("2", examplePolicy().withMaxInjectedChars(10));
    service.chat(session, chatRequest("gpt-4o", null, "0123456789"), "abc");
    service.chat(session, chatRequest("gpt-4o", null, "defg"), "hij");
    String next = chatRequest("gpt-4o", null, "now");

    FakeEnvoy.Answers answers = service.chat(session, next, "ok");

    // history: 0123456789(10) abc(3) defg(4) hij(3): the newest that fit in 10 characters are abc, defg, hij.
    assertThat(messages(answers.upstreamBody(next)))
        .containsExactly("assistant:abc", "user:defg", "assistant:hij", "user:now");
  }

  @Test
  void theModelBecomesTheRoutingHeaderAndTheRouteIsPickedAgain() {
    FakeEnvoy.Answers answers = service.chat(session(), chatRequest("gpt-4o-mini", null, "hi"), "yo");

    CommonResponse common = answers.requestBody().getRequestBody().getResponse();
    assertThat(header(common, "x-llm-model")).contains("gpt-4o-mini");
    assertThat(common.getClearRouteCache()).isTrue();
    assertThat(answers.requestHeaders().getRequestHeaders().getResponse().getHeaderMutation().getRemoveHeadersList())
        .containsExactly("accept-encoding");
  }

  @Test
  void aRequestToNoLlmApiPassesUntouchedAndEnvoySendsNothingMore() {
    for (Map<String, String> headers : List.of(
        FakeEnvoy.headers(":method", "GET", ":path", "/v1/models", "x-session-id", "s"),
        FakeEnvoy.headers(":method", "POST", ":path", "/v1/files", "x-session-id", "s"),
        FakeEnvoy.headers(":method", "GET", ":path", "/v1/chat/completions?x=1"))) {
      FakeEnvoy.Answers answers = service.envoy.exchange(new FakeEnvoy.Http(Map.of(), headers, "{\"model\":\"m\"}",
          ContextService.jsonResponseHeaders(), List.of(new byte[0])));

      ProcessingResponse first = answers.requestHeaders();
      assertThat(first.getRequestHeaders().getResponse()).isEqualTo(CommonResponse.getDefaultInstance());
      assertThat(first.getModeOverride().getRequestBodyMode()).isEqualTo(BodySendMode.NONE);
      assertThat(answers.requestBody()).isNull();
    }
    assertThat(service.counter(ServiceMetrics.BYPASSES, "reason", "not_llm_api")).isEqualTo(3);
  }

  @Test
  void theChatPathIsRecognisedWithAQueryStringAndWithHeadersInTheOldValueField() {
    Map<String, String> headers = FakeEnvoy.headers("v::method", "POST", "v::path", "/v1/chat/completions?a=b",
        "v:x-session-id", session());
    FakeEnvoy.Answers answers = service.envoy.exchange(new FakeEnvoy.Http(Map.of(), headers,
        chatRequest("gpt-4o", null, "hi"), ContextService.jsonResponseHeaders(),
        List.of(ContextService.jsonAnswer("gpt-4o", "yo", 1, 1))));

    assertThat(header(answers.requestBody().getRequestBody().getResponse(), "x-llm-model")).contains("gpt-4o");
    assertThat(service.counter(ServiceMetrics.REQUESTS, "outcome", "injected")).isEqualTo(1);
  }

  /** The upstream phase of one try, as the control plane configures it (docs/translation.md "the upstream phase"). */
  static final ProcessingMode REWRITER = ProcessingMode.newBuilder()
      .setRequestHeaderMode(HeaderSendMode.SEND)
      .setRequestBodyMode(BodySendMode.BUFFERED)
      .setResponseHeaderMode(HeaderSendMode.SEND)
      .setResponseBodyMode(BodySendMode.NONE)
      .setRequestTrailerMode(HeaderSendMode.SKIP)
      .setResponseTrailerMode(HeaderSendMode.SKIP)
      .build();
  private static final Map<String, String> UPSTREAM =
      FakeEnvoy.headers(ContextPolicyMetadata.PHASE, ContextPolicyMetadata.PHASE_UPSTREAM);

  @Test
  void theUpstreamPhaseSendsThisTrysProviderTheModelEnvoyLookedUpForIt() {
    String body = chatRequest("gpt-4o", null, "hi");
    FakeEnvoy.Answers answers = service.envoy.exchange(
        FakeEnvoy.Filter.upstreamRewriter(REWRITER, Map.of(
            ContextPolicyMetadata.UPSTREAM_PROVIDER_ATTRIBUTE, "mock-fallback",
            ContextPolicyMetadata.UPSTREAM_MODEL_ATTRIBUTE, "fallback-model")),
        UPSTREAM, chatHeaders(session()), body, forwarded -> noAnswer());

    assertThat(answers.localReply()).isEmpty();
    String sent = answers.forwarded().body();
    assertThat(sent).contains("\"model\":\"fallback-model\"").contains("\"content\":\"hi\"");
    assertThat(answers.forwarded().headers()).as("Envoy would fail a body of another length")
        .containsEntry("content-length", Integer.toString(sent.getBytes(StandardCharsets.UTF_8).length));
    assertThat(service.counter(ServiceMetrics.REQUESTS, "outcome", "upstream_rewritten")).isEqualTo(1);
  }

  /** The route does not rename this provider's model: Envoy's lookup fails, and the attribute is absent. */
  @Test
  void theUpstreamPhaseWithoutTheModelAttributeChangesNothing() {
    String body = chatRequest("gpt-4o", null, "hi");
    FakeEnvoy.Answers answers = service.envoy.exchange(
        FakeEnvoy.Filter.upstreamRewriter(REWRITER, Map.of(ContextPolicyMetadata.UPSTREAM_PROVIDER_ATTRIBUTE, "mock-b")),
        UPSTREAM, chatHeaders(session()), body, forwarded -> noAnswer());

    assertThat(answers.requestHeaders().getRequestHeaders().getResponse()).isEqualTo(CommonResponse.getDefaultInstance());
    assertThat(answers.requestBody().getRequestBody().getResponse().hasBodyMutation()).isFalse();
    assertThat(answers.forwarded().body()).isEqualTo(body);
  }

  /**
   * A retry reuses the request headers an earlier try's upstream filters changed, with the router's original body:
   * a try that leaves the body alone must still send the body's own length.
   */
  @Test
  void anUnchangedTryStillSendsItsBodysOwnLength() {
    String body = chatRequest("gpt-4o", null, "hi");
    Map<String, String> afterTheFirstTry = ContextService.with(chatHeaders(session()), "content-length", "999");
    FakeEnvoy.Answers answers = service.envoy.exchange(
        FakeEnvoy.Filter.upstreamRewriter(REWRITER, Map.of(ContextPolicyMetadata.UPSTREAM_PROVIDER_ATTRIBUTE, "mock-b")),
        UPSTREAM, afterTheFirstTry, body, forwarded -> noAnswer());

    assertThat(answers.forwarded().headers())
        .containsEntry("content-length", Integer.toString(body.getBytes(StandardCharsets.UTF_8).length));
  }

  private static FakeEnvoy.Upstream noAnswer() {
    return new FakeEnvoy.Upstream(FakeEnvoy.headers(":status", "200"), List.of(new byte[0]));
  }

  @Test
  void aStreamedAnswerSplitMidLineAndMidCharacterIsStoredOnceWhole() {
    String session = session();
    byte[] sse = ContextService.sseAnswer("gpt-4o-2024", 7, 9, "Grüße, ", "Ada — ", "wie geht's?");
    FakeEnvoy.Answers answers = service.envoy.exchange(new FakeEnvoy.Http(Map.of(), chatHeaders(session),
        chatRequest("gpt-4o", null, "Hallo"), ContextService.sseResponseHeaders(), ContextService.chunks(sse, 7)));

    assertThat(answers.streamed()).isTrue();
    assertThat(answers.responseBodies()).hasSize(ContextService.chunks(sse, 7).size())
        .allSatisfy(r -> assertThat(r.getResponseBody().getResponse().hasBodyMutation()).isFalse());
    assertThat(answers.responseBodies().stream().filter(ProcessingResponse::hasDynamicMetadata).toList())
        .singleElement()
        .satisfies(r -> assertThat(usage(r.getDynamicMetadata()))
            .isEqualTo(Map.of("prompt_tokens", 7.0, "completion_tokens", 9.0, "total_tokens", 16.0,
                "model", "gpt-4o-2024")));
    assertThat(load(session, policyRecord()))
        .containsExactly("user:Hallo", "assistant:Grüße, Ada — wie geht's?");
    assertThat(service.spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("context.write")))
        .hasSize(1);
  }

  @Test
  void aJsonAnswerEmitsItsUsageAsDynamicMetadata() {
    FakeEnvoy.Answers answers = service.chat(session(), chatRequest("gpt-4o", null, "hi"), "yo");

    ProcessingResponse body = answers.responseBodies().get(0);
    assertThat(usage(body.getDynamicMetadata()))
        .isEqualTo(Map.of("prompt_tokens", 10.0, "completion_tokens", 5.0, "total_tokens", 15.0,
            "model", "gpt-4o-2024"));
  }

  @Test
  void aStatelessRequestIsRoutedAndMeteredButNothingIsStored() {
    Map<String, String> headers = FakeEnvoy.headers(":method", "POST", ":path", "/v1/chat/completions");
    FakeEnvoy.Answers answers = service.envoy.exchange(new FakeEnvoy.Http(Map.of(), headers,
        chatRequest("gpt-4o", null, "hi"), ContextService.jsonResponseHeaders(),
        List.of(ContextService.jsonAnswer("gpt-4o", "yo", 3, 4))));

    assertThat(header(answers.requestBody().getRequestBody().getResponse(), "x-llm-model")).contains("gpt-4o");
    assertThat(answers.responseBodies().get(0).hasDynamicMetadata()).isTrue();
    assertThat(service.counter(ServiceMetrics.BYPASSES, "reason", "no_session")).isEqualTo(1);
    assertThat(service.spans.getFinishedSpanItems()).as("no context spans: only the LLM call's")
        .extracting(SpanData::getName).containsExactly("chat gpt-4o");
  }

  @Test
  void theUserHeaderSeparatesTwoUsersOfOneSessionId() {
    String session = session();
    Map<String, String> ada = with(chatHeaders(session), "x-user-id", "ada");
    Map<String, String> bob = with(chatHeaders(session), "x-user-id", "bob");
    service.envoy.exchange(new FakeEnvoy.Http(Map.of(), ada, chatRequest("m", null, "I am Ada"),
        ContextService.jsonResponseHeaders(), List.of(ContextService.jsonAnswer("m", "Hi Ada", 1, 1))));
    String next = chatRequest("m", null, "Who am I?");

    FakeEnvoy.Answers asBob = service.envoy.exchange(new FakeEnvoy.Http(Map.of(), bob, next,
        ContextService.jsonResponseHeaders(), List.of(ContextService.jsonAnswer("m", "?", 1, 1))));

    assertThat(messages(asBob.upstreamBody(next))).containsExactly("user:Who am I?");
  }

  static RequestPolicy policyRecord() {
    return new RequestPolicy("c1", "chat", "default", "3ded98bfe5f9be5d", RequestPolicy.Schema.V1, 20, 32000, "memory",
        Optional.empty(), RequestPolicy.FailureMode.OPEN, "x-session-id", "x-user-id");
  }

  /** The session's stored turns, read through a memory of its own over the service's store. */
  List<String> load(String session, RequestPolicy policy) {
    try {
      return new StoredConversationMemory(Duration.ofHours(1), service.otel, service.meters)
          .load(new SessionKey(session, Optional.empty()), policy, Map.of("memory", service.store("memory")))
          .stream()
          .map(t -> t.role() + ":" + t.content())
          .toList();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static Optional<String> header(CommonResponse common, String name) {
    return common.getHeaderMutation().getSetHeadersList().stream()
        .map(HeaderValueOption::getHeader)
        .filter(h -> h.getKey().equals(name))
        .map(h -> h.getRawValue().toStringUtf8())
        .findFirst();
  }

  static Map<String, Object> usage(Struct metadata) {
    Struct usage = metadata.getFieldsOrThrow(UsageMetadata.NAMESPACE).getStructValue();
    Map<String, Object> values = new java.util.HashMap<>();
    usage.getFieldsMap().forEach((k, v) -> values.put(k, v.hasStringValue() ? v.getStringValue() : v.getNumberValue()));
    return values;
  }

  static io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest requestHeaders(Map<String, String> headers) {
    return io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest.newBuilder()
        .setRequestHeaders(io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders.newBuilder()
            .setHeaders(FakeEnvoy.headerMap(headers)))
        .build();
  }

  static io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest requestBody(String body) {
    return io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest.newBuilder()
        .setRequestBody(io.envoyproxy.envoy.service.ext_proc.v3.HttpBody.newBuilder()
            .setBody(com.google.protobuf.ByteString.copyFromUtf8(body)).setEndOfStream(true))
        .build();
  }
}
