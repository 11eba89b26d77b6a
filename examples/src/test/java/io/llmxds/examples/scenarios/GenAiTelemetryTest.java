package io.llmxds.examples.scenarios;

import static io.llmxds.examples.mockllm.MockLlmClient.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmxds.common.testing.CapturedStderr;
import io.llmxds.examples.mockllm.MockLlmClient;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GenAI telemetry (docs/observability.md "GenAI telemetry"): a plain and a streamed chat through the Envoy model
 * ({@link PushedConfigRouter}, which opens the ext_proc stream with Envoy's span in its metadata, H5) to a mock LLM,
 * the real context service and control plane of examples/scenarios/fallback: each call is a CLIENT span
 * {@code chat mock-model-a} that is a child of Envoy's stream span, with the semantic conventions' attributes equal to
 * what the mock answered, and the token histograms count the mock's usage. The prompt text is in no span, metric or
 * log line.
 */
class GenAiTelemetryTest {
  /** The prompt's text: it must appear nowhere but in the request and the mock's echo. */
  private static final String MARKER = "WOMBAT-5e1d22";
  /** The client's own trace: Envoy's request span continues it, the GenAI span only links to it (H5). */
  private static final String CLIENT_TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  @Test
  void aPlainAndAStreamedChatAreGenAiSpansAndHistogramsOfTheMocksUsage(@TempDir Path tmp) throws Exception {
    try (CapturedStderr logs = new CapturedStderr(); ScenarioStack stack = ScenarioStack.start("fallback", tmp)) {
      Call plainCall = Call.through(new PushedConfigRouter(stack.connectEnvoy("envoy-1"), new Random(5)),
          chat("chat", false, "plain " + MARKER), "traceparent", CLIENT_TRACEPARENT);
      Call streamedCall = Call.through(plainCall.router(), chat("chat", true, "streamed " + MARKER));
      PushedConfigRouter.Served plain = plainCall.served();
      PushedConfigRouter.Served streamed = streamedCall.served();
      String plainStream = plainCall.streamTraceparent();
      String streamedStream = streamedCall.streamTraceparent();
      assertThat(plain.status()).as(plain.body()).isEqualTo(200);
      assertThat(streamed.status()).as(streamed.body()).isEqualTo(200);
      assertThat(plain.headers()).as("the try's identity stays inside the gateway")
          .doesNotContainKeys("x-llm-provider", "x-llm-provider-api", "x-llm-provider-model");
      assertThat(streamed.headers()).doesNotContainKeys("x-llm-provider", "x-llm-provider-api", "x-llm-provider-model");

      JsonNode plainAnswer = MockLlmClient.JSON.readTree(plain.body());
      Answer plainExpected = new Answer(plainAnswer.get("model").asText(),
          plainAnswer.get("usage").get("prompt_tokens").asLong(),
          plainAnswer.get("usage").get("completion_tokens").asLong(),
          plainAnswer.get("choices").get(0).get("finish_reason").asText());
      Answer streamedExpected = Answer.ofStream(streamed.body());

      await().atMost(Duration.ofSeconds(10))
          .until(() -> stack.contextTelemetry().spans("chat mock-model-a").size() == 2);
      SpanData plainSpan = spanUnder(stack, plainStream);
      SpanData streamedSpan = spanUnder(stack, streamedStream);
      for (SpanData span : List.of(plainSpan, streamedSpan)) {
        assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name"))).isEqualTo("chat");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name"))).isEqualTo("openai");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model")))
            .as("the model the provider was sent (the route renames chat)").isEqualTo("mock-model-a");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("llm_xds.client_model"))).isEqualTo("chat");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("llm_xds.model_route"))).isEqualTo("chat");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("llm_xds.backend"))).isEqualTo("mock-a");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("llm_xds.config_version")))
            .isEqualTo(stack.configVersion());
        assertThat(span.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isNull();
      }
      plainExpected.assertOn(plainSpan);
      streamedExpected.assertOn(streamedSpan);
      assertThat(plainSpan.getLinks()).as("linked to the client's own trace")
          .anySatisfy(link -> assertThat(link.getSpanContext().getSpanId()).isEqualTo("b7ad6b7169203331"));
      assertThat(plainSpan.getAttributes().get(AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk")))
          .as("only a streamed answer has a first chunk").isNull();
      assertThat(streamedSpan.getAttributes().get(AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk")))
          .isNotNull().isPositive();

      PrometheusMeterRegistry meters = stack.contextTelemetry().telemetry().meters();
      DistributionSummary input = meters.find("gen_ai.client.token.usage").tag("gen_ai.token.type", "input")
          .tag("gen_ai.operation.name", "chat").tag("gen_ai.provider.name", "openai")
          .tag("gen_ai.request.model", "mock-model-a").summary();
      DistributionSummary output = meters.find("gen_ai.client.token.usage").tag("gen_ai.token.type", "output")
          .tag("gen_ai.request.model", "mock-model-a").summary();
      assertThat(input).isNotNull();
      assertThat(output).isNotNull();
      assertThat(input.count()).isEqualTo(2);
      assertThat(input.totalAmount()).isEqualTo(plainExpected.input() + streamedExpected.input());
      assertThat(output.totalAmount()).isEqualTo(plainExpected.output() + streamedExpected.output());
      Timer duration = meters.find("gen_ai.client.operation.duration").tag("gen_ai.provider.name", "openai")
          .tag("error.type", "").timer();
      assertThat(duration).isNotNull();
      assertThat(duration.count()).isEqualTo(2);
      Timer firstChunk = meters.find("gen_ai.client.operation.time_to_first_chunk").timer();
      assertThat(firstChunk).isNotNull();
      assertThat(firstChunk.count()).as("only the streamed call").isEqualTo(1);
      String scraped = meters.scrape();
      assertThat(scraped).contains("gen_ai_client_token_usage_bucket{", "le=\"16.0\"", "le=\"6.7108864E7\"",
          "gen_ai_client_operation_duration_seconds_bucket{", "le=\"81.92\"",
          "gen_ai_client_operation_time_to_first_chunk_seconds_bucket{", "gen_ai_token_type=\"input\"");

      assertThat(stack.contextTelemetry().spans()).allSatisfy(s -> assertThat(s.toString()).doesNotContain(MARKER));
      assertThat(scraped).doesNotContain(MARKER);
      assertThat(logs.text()).doesNotContain(MARKER);
    }
  }

  /** A chat sent through the Envoy model, and the traceparent of Envoy's span for its ext_proc stream (H5). */
  private record Call(PushedConfigRouter router, PushedConfigRouter.Served served, String streamTraceparent) {

    static Call through(PushedConfigRouter router, String body, String... headers) {
      PushedConfigRouter.Served served = router.send(PushedConfigRouter.Request.chat(body, headers));
      return new Call(router, served, router.lastExtProcTraceparent());
    }
  }

  /** The GenAI span that is a child of Envoy's span for the ext_proc stream {@code traceparent} (H5). */
  private static SpanData spanUnder(ScenarioStack stack, String traceparent) {
    String traceId = traceparent.substring(3, 35);
    String spanId = traceparent.substring(36, 52);
    List<SpanData> children = stack.contextTelemetry().spans("chat mock-model-a").stream()
        .filter(s -> s.getTraceId().equals(traceId) && s.getParentSpanId().equals(spanId)).toList();
    assertThat(children).as("the GenAI span under Envoy's stream span %s", traceparent).hasSize(1);
    return children.get(0);
  }

  /** What the mock answered: its model, usage and finish reason. */
  private record Answer(String model, long input, long output, String finishReason) {

    /** From the SSE events of a streamed answer (usage in the last chunk, stream_options.include_usage). */
    static Answer ofStream(String sse) throws Exception {
      String model = null;
      long input = -1;
      long output = -1;
      List<String> reasons = new ArrayList<>();
      for (String line : sse.split("\n")) {
        if (!line.startsWith("data: ") || line.equals("data: [DONE]")) {
          continue;
        }
        JsonNode chunk = MockLlmClient.JSON.readTree(line.substring("data: ".length()));
        model = model != null ? model : chunk.path("model").asText(null);
        JsonNode reason = chunk.path("choices").path(0).path("finish_reason");
        if (reason.isTextual()) {
          reasons.add(reason.asText());
        }
        if (chunk.hasNonNull("usage")) {
          input = chunk.get("usage").get("prompt_tokens").asLong();
          output = chunk.get("usage").get("completion_tokens").asLong();
        }
      }
      assertThat(input).as("the mock reported usage in the stream").isPositive();
      assertThat(reasons).hasSize(1);
      return new Answer(model, input, output, reasons.get(0));
    }

    void assertOn(SpanData span) {
      Attributes attributes = span.getAttributes();
      assertThat(attributes.get(AttributeKey.stringKey("gen_ai.response.model"))).isEqualTo(model);
      assertThat(attributes.get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isEqualTo(input);
      assertThat(attributes.get(AttributeKey.longKey("gen_ai.usage.output_tokens"))).isEqualTo(output);
      assertThat(attributes.get(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons")))
          .containsExactly(finishReason);
    }
  }
}
