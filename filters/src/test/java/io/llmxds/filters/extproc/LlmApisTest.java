package io.llmxds.filters.extproc;

import static io.llmxds.filters.extproc.ContextProcessorTest.header;
import static io.llmxds.filters.extproc.ContextService.jsonResponseHeaders;
import static io.llmxds.filters.extproc.ContextService.messages;
import static io.llmxds.filters.extproc.ContextService.sseResponseHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Value;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.llmxds.common.ContextPolicyMetadata;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** docs/llm-apis.md: every model-bearing endpoint is routed by its model, its usage read, its errors in its shape. */
class LlmApisTest {
  private final ContextService service = new ContextService();

  @AfterEach
  void close() {
    service.close();
  }

  private static Map<String, String> post(String path, String session) {
    return FakeEnvoy.headers(":method", "POST", ":path", path, "x-session-id", session);
  }

  private FakeEnvoy.Answers exchange(String path, String session, String body, Map<String, String> responseHeaders,
      String answer) {
    return service.envoy.exchange(new FakeEnvoy.Http(Map.of(), post(path, session), body, responseHeaders,
        ContextService.chunks(answer.getBytes(StandardCharsets.UTF_8), 7)));
  }

  private static Map<String, Value> usage(FakeEnvoy.Answers answers) {
    List<ProcessingResponse> withUsage =
        answers.responseBodies().stream().filter(ProcessingResponse::hasDynamicMetadata).toList();
    assertThat(withUsage).hasSize(1);
    return withUsage.get(0).getDynamicMetadata().getFieldsOrThrow(ContextPolicyMetadata.USAGE_NAMESPACE)
        .getStructValue().getFieldsMap();
  }

  private static void assertUsage(FakeEnvoy.Answers answers, double prompt, double completion, double total) {
    Map<String, Value> usage = usage(answers);
    assertThat(usage.get("prompt_tokens").getNumberValue()).isEqualTo(prompt);
    assertThat(usage.get("completion_tokens").getNumberValue()).isEqualTo(completion);
    assertThat(usage.get("total_tokens").getNumberValue()).isEqualTo(total);
  }

  @Test
  void aBodyOnlyEmbeddingsRequestIsRoutedByItsModelAndItsUsageRead() {
    FakeEnvoy.Answers answers = exchange("/v1/embeddings", "s", "{\"model\":\"text-embedding-3-small\",\"input\":\"hi\"}",
        jsonResponseHeaders(), "{\"object\":\"list\",\"data\":[],\"model\":\"text-embedding-3-small\","
            + "\"usage\":{\"prompt_tokens\":5,\"total_tokens\":5}}");

    assertThat(answers.forwarded().headers()).containsEntry("x-llm-model", "text-embedding-3-small");
    assertThat(answers.forwarded().routeCacheCleared()).isTrue();
    assertUsage(answers, 5, 0, 5);
    assertThat(service.counter(ServiceMetrics.BYPASSES, "reason", "not_conversation")).isEqualTo(1);
  }

  @Test
  void completionsModerationsAndImagesAreRoutedByTheirModel() {
    for (String path : List.of("/v1/completions", "/v1/moderations", "/v1/images/generations")) {
      FakeEnvoy.Answers answers = exchange(path, "s", "{\"model\":\"m-" + path.length() + "\",\"prompt\":\"x\"}",
          jsonResponseHeaders(), "{}");
      assertThat(header(answers.requestBody().getRequestBody().getResponse(), "x-llm-model"))
          .as(path).contains("m-" + path.length());
    }
  }

  @Test
  void theResponsesApiStreamedReportsTheUsageOfResponseCompleted() {
    String events = "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"model\":\"gpt-x\"}}\n\n"
        + "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"Hi\"}\n\n"
        + "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"model\":\"gpt-x\","
        + "\"usage\":{\"input_tokens\":11,\"output_tokens\":3,\"total_tokens\":14}}}\n\n";
    FakeEnvoy.Answers answers = exchange("/v1/responses", "s", "{\"model\":\"gpt-x\",\"input\":\"hi\",\"stream\":true}",
        sseResponseHeaders(), events);

    assertThat(answers.forwarded().headers()).containsEntry("x-llm-model", "gpt-x");
    assertUsage(answers, 11, 3, 14);
    assertThat(usage(answers).get("model").getStringValue()).isEqualTo("gpt-x");
  }

  @Test
  void theResponsesApiJsonReportsInputAndOutputTokens() {
    FakeEnvoy.Answers answers = exchange("/v1/responses", "s", "{\"model\":\"gpt-x\",\"input\":\"hi\"}",
        jsonResponseHeaders(), "{\"object\":\"response\",\"model\":\"gpt-x\","
            + "\"usage\":{\"input_tokens\":4,\"output_tokens\":6}}");

    assertUsage(answers, 4, 6, 10);
  }

  @Test
  void anthropicMessagesStreamedAreStoredWithUsageFromMessageStartAndMessageDelta() {
    String session = "a-" + UUID.randomUUID();
    String events = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"claude-x\","
        + "\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}\n\n"
        + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0}\n\n"
        + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
        + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}}\n\n"
        + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
        + "\"delta\":{\"type\":\"text_delta\",\"text\":\"lo\"}}\n\n"
        + "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":15}}\n\n"
        + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    String first = "{\"model\":\"claude-x\",\"max_tokens\":10,\"system\":\"be brief\","
        + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}],\"stream\":true}";
    FakeEnvoy.Answers answers = exchange("/v1/messages", session, first, sseResponseHeaders(), events);

    assertThat(answers.forwarded().headers()).containsEntry("x-llm-model", "claude-x");
    assertUsage(answers, 25, 15, 40);

    String second = "{\"model\":\"claude-x\",\"max_tokens\":10,\"system\":\"be brief\","
        + "\"messages\":[{\"role\":\"user\",\"content\":\"again\"}]}";
    FakeEnvoy.Answers next = exchange("/v1/messages", session, second, jsonResponseHeaders(),
        "{\"type\":\"message\",\"model\":\"claude-x\",\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],"
            + "\"usage\":{\"input_tokens\":30,\"output_tokens\":2}}");
    String upstream = next.upstreamBody(second);
    assertThat(messages(upstream)).containsExactly("user:hi", "assistant:Hello", "user:again");
    assertThat(upstream).contains("\"system\":\"be brief\"");
    assertUsage(next, 30, 2, 32);
  }

  /** Each API's own error shape, naming the field. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/v1/messages|{\"model\":\"claude-x\",\"messages\":{}}|{\"type\":\"error\",\"error\":{\"type\":"
          + "\"invalid_request_error\",\"message\":\"messages: 'messages' must be an array\"}}",
      "/v1/embeddings|{\"model\":42,\"input\":\"x\"}|{\"error\":{\"message\":\"'model' must be a non-empty string\","
          + "\"type\":\"invalid_request_error\",\"param\":\"model\",\"code\":\"invalid_request_body\"}}"})
  void aWrongFieldGetsA400InTheApisErrorShapeNamingIt(String path, String body, String error) {
    FakeEnvoy.Answers answers = exchange(path, "s", body, jsonResponseHeaders(), "{}");

    FakeEnvoy.LocalReply reply = answers.localReply().orElseThrow();
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.body()).isEqualTo(error);
    assertThat(answers.forwarded()).isNull();
  }
}
