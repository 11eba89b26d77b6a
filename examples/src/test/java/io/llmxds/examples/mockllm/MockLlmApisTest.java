package io.llmxds.examples.mockllm;

import static io.llmxds.examples.mockllm.MockLlmClient.json;
import static io.llmxds.examples.mockllm.MockLlmClient.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The APIs besides chat (SdkClientsTest parses chat, embeddings, Responses and Anthropic with the real SDKs). */
class MockLlmApisTest {
  private MockLlm mock;

  @BeforeEach
  void start() throws IOException {
    mock = MockLlm.start(MockLlm.Settings.of("mock-a", 0));
  }

  @AfterEach
  void stop() {
    mock.close();
  }

  /** Each answers in its API's JSON, its usage in that API's field names (prompt "hello hello" is 3 tokens). */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/v1/completions|prompt|/choices/0/text|/usage/prompt_tokens",
      "/v1/embeddings|input|/data/0/object|/usage/prompt_tokens",
      "/v1/moderations|input|/results/0/categories/violence|/id",
      "/v1/images/generations|prompt|/data/0/b64_json|/usage/input_tokens",
      "/v1/responses|input|/output/0/content/0/text|/usage/input_tokens"})
  void eachApiAnswersInItsShape(String path, String field, String answerPointer, String usagePointer) {
    HttpResponse<String> response = post(mock.port(), path,
        MockLlmClient.JSON.createObjectNode().put("model", "m").put(field, "hello hello").toString());

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = json(response);
    assertThat(body.at(answerPointer).isMissingNode()).as(response.body()).isFalse();
    assertThat(body.at(usagePointer).isMissingNode()).as(response.body()).isFalse();
    if (usagePointer.contains("tokens")) {
      assertThat(body.at(usagePointer).asLong()).isEqualTo(3);
    }
  }

  @Test
  void completionsStreamLikeChatWithTheUsageLastAndDone() {
    HttpResponse<String> streamed = post(mock.port(), "/v1/completions", "{\"model\":\"m\",\"prompt\":\"hi\","
        + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}");

    assertThat(streamed.headers().firstValue("content-type")).hasValue("text/event-stream");
    assertThat(streamed.body()).startsWith("data: {\"id\":").contains("\"object\":\"text_completion\"",
        "\"finish_reason\":\"stop\"", "\"usage\":{\"prompt_tokens\":1,").endsWith("data: [DONE]\n\n");
  }

  @Test
  void anthropicStreamsTypedEventsAndRefusesInItsOwnShape() {
    HttpResponse<String> streamed = post(mock.port(), "/v1/messages", "{\"model\":\"claude\",\"max_tokens\":5,"
        + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    assertThat(streamed.headers().firstValue("content-type")).hasValue("text/event-stream");
    assertThat(streamed.body()).startsWith("event: message_start\ndata: {\"type\":\"message_start\"")
        .contains("event: content_block_delta\n", "\"usage\":{\"output_tokens\":")
        .endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n")
        .doesNotContain("[DONE]");

    HttpResponse<String> refused = post(mock.port(), "/v1/messages", "{\"model\":\"claude\",\"messages\":[]}");
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
        + "\"message\":\"'messages' must be a non-empty array\"}}");
  }
}
