package io.llmxds.filters.extproc;

import static io.llmxds.filters.extproc.ContextService.chatHeaders;
import static io.llmxds.filters.extproc.ContextService.chatRequest;
import static io.llmxds.filters.extproc.ContextService.with;
import static io.llmxds.filters.testing.TestPolicies.examplePolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.llmxds.filters.testing.TestDataPath;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The GenAI span and metrics of one LLM call ({@link GenAiCall}) through the ext_proc model and the real service:
 * in Envoy's trace (the stream's metadata, H5), with the answering try's identity from its answer's headers (G1),
 * which the client does not see; error answers, Anthropic's stop reason, and a stream Envoy cancels.
 */
class GenAiCallTest {
  private static final String TRACE_ID = "5cf92f3577b34da6a3ce929d0e0e4736";
  private static final String STREAM_SPAN = "11f067aa0ba902b7";
  private static final Map<String, String> ENVOY_STREAM =
      Map.of("traceparent", "00-" + TRACE_ID + "-" + STREAM_SPAN + "-01");
  /** The headers the answering try's upstream phase set on its answer. */
  private static final String[] ANSWERED_BY = {TryIdentity.PROVIDER_HEADER, "mock-b",
      TryIdentity.API_HEADER, "openai", TryIdentity.MODEL_HEADER, "gpt-4o-mini"};

  private final ContextService service = servingTheExamplePolicy();

  private static ContextService servingTheExamplePolicy() {
    ContextService service = new ContextService();
    service.configure("1", examplePolicy());
    return service;
  }

  @AfterEach
  void close() {
    service.close();
  }

  @Test
  void aStreamedChatIsAClientSpanUnderEnvoysStreamSpanNamedByTheModelTheProviderWasSent() {
    FakeEnvoy.Answers answers = service.envoy.exchange(new FakeEnvoy.Http(ENVOY_STREAM,
        with(chatHeaders("s-" + UUID.randomUUID()), "traceparent",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
        chatRequest("gpt-4o", null, "hi"), with(ContextService.sseResponseHeaders(), ANSWERED_BY),
        ContextService.chunks(ContextService.sseAnswer("gpt-4o-mini-2024", 12, 7, "Hel", "lo"), 9)));

    assertThat(answers.delivered().headers()).as("who answered stays inside the gateway")
        .doesNotContainKeys(TryIdentity.PROVIDER_HEADER, TryIdentity.API_HEADER, TryIdentity.MODEL_HEADER);
    SpanData span = call("chat gpt-4o-mini");
    assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(span.getParentSpanId()).isEqualTo(STREAM_SPAN);
    assertThat(span.getLinks()).extracting(l -> l.getSpanContext().getSpanId()).containsExactly("b7ad6b7169203331");
    assertThat(span.getAttributes().get(GenAiCall.PROVIDER)).isEqualTo("openai");
    assertThat(span.getAttributes().get(GenAiCall.BACKEND)).isEqualTo("mock-b");
    assertThat(span.getAttributes().get(GenAiCall.REQUEST_MODEL)).isEqualTo("gpt-4o-mini");
    assertThat(span.getAttributes().get(GenAiCall.CLIENT_MODEL)).isEqualTo("gpt-4o");
    assertThat(span.getAttributes().get(GenAiCall.RESPONSE_MODEL)).isEqualTo("gpt-4o-mini-2024");
    assertThat(span.getAttributes().get(GenAiCall.INPUT_TOKENS)).isEqualTo(12L);
    assertThat(span.getAttributes().get(GenAiCall.OUTPUT_TOKENS)).isEqualTo(7L);
    assertThat(span.getAttributes().get(GenAiCall.TIME_TO_FIRST_CHUNK)).isNotNull();
    assertThat(span.getAttributes().get(GenAiCall.ERROR_TYPE)).isNull();
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(service.meters.find(GenAiMetrics.TOKEN_USAGE).tag(GenAiMetrics.TOKEN_TYPE, "output")
        .tag("gen_ai.provider.name", "openai").summary().totalAmount()).isEqualTo(7);
    assertThat(service.meters.find(GenAiMetrics.TIME_TO_FIRST_CHUNK).timer().count()).isEqualTo(1);
  }

  @Test
  void anErrorAnswerIsAnErrorSpanAndADurationWithItsStatusButNoTokens() {
    service.envoy.exchange(new FakeEnvoy.Http(ENVOY_STREAM, chatHeaders("s-" + UUID.randomUUID()),
        chatRequest("gpt-4o", null, "hi"), FakeEnvoy.headers(":status", "503", "content-type", "application/json"),
        List.of("{\"error\":{\"message\":\"overloaded\"}}".getBytes(StandardCharsets.UTF_8))));

    SpanData span = call("chat gpt-4o");
    assertThat(span.getAttributes().get(GenAiCall.ERROR_TYPE)).isEqualTo("503");
    assertThat(span.getAttributes().get(GenAiCall.PROVIDER)).as("no try named itself").isEqualTo("unknown");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(GenAiCall.REQUEST_MODEL)).isEqualTo("gpt-4o");
    Timer duration = service.meters.find(GenAiMetrics.OPERATION_DURATION).tag("error.type", "503")
        .tag("gen_ai.request.model", "").timer();
    assertThat(duration).as("a model no provider accepted is no label").isNotNull();
    assertThat(duration.count()).isEqualTo(1);
    assertThat(service.meters.find(GenAiMetrics.TOKEN_USAGE).summaries()).isEmpty();
    assertThat(service.meters.find(GenAiMetrics.TIME_TO_FIRST_CHUNK).timers()).isEmpty();
  }

  @Test
  void anAnthropicAnswerGivesItsStopReasonAndUsage() {
    String request = "{\"model\":\"claude-x\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    service.envoy.exchange(new FakeEnvoy.Http(ENVOY_STREAM,
        FakeEnvoy.headers(":method", "POST", ":path", "/v1/messages", "content-type", "application/json"), request,
        with(ContextService.jsonResponseHeaders(), TryIdentity.PROVIDER_HEADER, "claude", TryIdentity.API_HEADER,
            "anthropic"),
        List.of(("{\"type\":\"message\",\"model\":\"claude-x-2025\",\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],"
            + "\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":30,\"output_tokens\":2}}")
            .getBytes(StandardCharsets.UTF_8))));

    SpanData span = call("chat claude-x");
    assertThat(span.getAttributes().get(GenAiCall.OPERATION)).isEqualTo("chat");
    assertThat(span.getAttributes().get(GenAiCall.PROVIDER)).isEqualTo("anthropic");
    assertThat(span.getAttributes().get(GenAiCall.FINISH_REASONS)).containsExactly("end_turn");
    assertThat(span.getAttributes().get(GenAiCall.INPUT_TOKENS)).isEqualTo(30L);
    DistributionSummary input = service.meters.find(GenAiMetrics.TOKEN_USAGE).tag(GenAiMetrics.TOKEN_TYPE, "input")
        .tag("gen_ai.response.model", "claude-x-2025").summary();
    assertThat(input.totalAmount()).isEqualTo(30);
  }

  @Test
  void onAGatewayWithConsumersTheCallNamesTheConsumerButNeverItsKey() {
    String key = "sk-genai-" + UUID.randomUUID();
    service.configure(TestDataPath.Config.of("2", List.of(TestDataPath.memoryStore()),
        TestDataPath.routeMatching("chat", TestDataPath.Policy.of("p", "memory"), ".+"))
        .withConsumers(TestDataPath.Consumer.of("alice", key)));

    FakeEnvoy.Answers answers = service.chatWithKey(key, "s-" + UUID.randomUUID(), chatRequest("gpt-4o", null, "hi"),
        "yo");

    assertThat(answers.delivered().status()).isEqualTo(200);
    SpanData span = call("chat gpt-4o");
    assertThat(span.getAttributes().get(GenAiCall.CONSUMER)).isEqualTo("alice");
    assertThat(span.getAttributes().get(io.llmxds.filters.context.ContextSpanAttributes.CONFIG_VERSION))
        .isEqualTo("2");
    assertThat(service.spans.getFinishedSpanItems()).allSatisfy(s -> assertThat(s.toString()).doesNotContain(key));
  }

  @Test
  void aStreamEnvoyCancelsBeforeTheAnswerIsACancelledCall() {
    FakeEnvoy.Stream stream = service.envoy.open(ENVOY_STREAM);
    stream.send(ContextProcessorTest.requestHeaders(chatHeaders("s-" + UUID.randomUUID())));
    stream.send(ProcessingRequest.newBuilder().setRequestBody(HttpBody.newBuilder()
        .setBody(ByteString.copyFromUtf8(chatRequest("gpt-4o", null, "hi"))).setEndOfStream(true)).build());
    stream.cancel();

    await().atMost(Duration.ofSeconds(10)).until(() -> !calls("chat gpt-4o").isEmpty());
    SpanData span = call("chat gpt-4o");
    assertThat(span.getAttributes().get(GenAiCall.ERROR_TYPE)).isEqualTo("cancelled");
    assertThat(span.getParentSpanId()).isEqualTo(STREAM_SPAN);
  }

  private List<SpanData> calls(String name) {
    return service.spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
  }

  private SpanData call(String name) {
    List<SpanData> calls = calls(name);
    assertThat(calls).as("the GenAI span %s among %s", name, service.spans.getFinishedSpanItems()).hasSize(1);
    return calls.get(0);
  }
}
