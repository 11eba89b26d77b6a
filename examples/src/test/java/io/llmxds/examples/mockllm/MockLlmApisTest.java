package io.llmxds.examples.mockllm;

import static io.llmxds.examples.mockllm.MockLlmClient.json;
import static io.llmxds.examples.mockllm.MockLlmClient.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The APIs besides chat (SdkClientsTest parses chat, embeddings, Responses and Anthropic with the real SDKs), and the
 * tool calls of chat and Anthropic.
 */
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

  /**
   * The mock's tool calls in both APIs, JSON and streamed: a call of the first tool (required string parameters set
   * to "Paris") when the user spoke last, the tool's result quoted verbatim when it came back; plain chats unchanged.
   */
  @Nested
  class ToolCalls {
    private static final String OPENAI_TOOLS = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
        + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"days\":{\"type\":"
        + "\"integer\"}},\"required\":[\"city\",\"days\"]}}},{\"type\":\"function\",\"function\":{\"name\":\"other\"}}]";
    private static final String ANTHROPIC_TOOLS = "\"tools\":[{\"name\":\"get_weather\",\"input_schema\":{\"type\":"
        + "\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}]";

    @Test
    void openAiCallsTheFirstToolThenQuotesItsResult() {
      JsonNode call = json(post(mock.port(), "/v1/chat/completions", "{\"model\":\"m\"," + OPENAI_TOOLS
          + ",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}]}"));
      JsonNode choice = call.at("/choices/0");
      assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
      assertThat(choice.at("/message/content").isNull()).isTrue();
      JsonNode toolCall = choice.at("/message/tool_calls/0");
      assertThat(toolCall.get("id").asText()).startsWith("call_");
      assertThat(toolCall.at("/function/name").asText()).isEqualTo("get_weather");
      assertThat(toolCall.at("/function/arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
      assertThat(call.at("/usage/completion_tokens").asLong()).isPositive();

      JsonNode answer = json(post(mock.port(), "/v1/chat/completions", "{\"model\":\"m\"," + OPENAI_TOOLS
          + ",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"},{\"role\":\"assistant\",\"tool_calls\":["
          + toolCall + "]},{\"role\":\"tool\",\"tool_call_id\":\"" + toolCall.get("id").asText()
          + "\",\"content\":\"15 °C, sunny\"}]}"));
      assertThat(answer.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
      assertThat(answer.at("/choices/0/message/content").asText())
          .isEqualTo("[mock-a] received 3 messages; tool result: \"15 °C, sunny\"");
    }

    @Test
    void openAiStreamsTheCallInFragments() {
      String body = post(mock.port(), "/v1/chat/completions", "{\"model\":\"m\",\"stream\":true,\"stream_options\":"
          + "{\"include_usage\":true}," + OPENAI_TOOLS + ",\"messages\":[{\"role\":\"user\",\"content\":\"w\"}]}").body();
      List<JsonNode> chunks = dataEvents(body);
      StringBuilder arguments = new StringBuilder();
      chunks.forEach(c -> c.at("/choices/0/delta/tool_calls").forEach(t -> arguments.append(t.at("/function/arguments")
          .asText())));
      assertThat(arguments.toString()).isEqualTo("{\"city\":\"Paris\"}");
      assertThat(chunks.stream().filter(c -> c.at("/choices/0/delta/tool_calls/0/id").isTextual())).hasSize(1);
      assertThat(chunks.get(chunks.size() - 2).at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
      assertThat(chunks.get(chunks.size() - 1).has("usage")).isTrue();
      assertThat(body).endsWith("data: [DONE]\n\n");
    }

    @Test
    void anthropicCallsTheToolAsToolUseThenQuotesItsResult() {
      JsonNode call = json(post(mock.port(), "/v1/messages", "{\"model\":\"c\",\"max_tokens\":9," + ANTHROPIC_TOOLS
          + ",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}]}"));
      assertThat(call.get("stop_reason").asText()).isEqualTo("tool_use");
      JsonNode toolUse = call.at("/content/0");
      assertThat(toolUse.get("type").asText()).isEqualTo("tool_use");
      assertThat(toolUse.get("id").asText()).startsWith("toolu_");
      assertThat(toolUse.get("input").toString()).isEqualTo("{\"city\":\"Paris\"}");

      JsonNode answer = json(post(mock.port(), "/v1/messages", "{\"model\":\"c\",\"max_tokens\":9," + ANTHROPIC_TOOLS
          + ",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"},{\"role\":\"assistant\",\"content\":["
          + toolUse + "]},{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\""
          + toolUse.get("id").asText() + "\",\"content\":[{\"type\":\"text\",\"text\":\"15 °C\"}]}]}]}"));
      assertThat(answer.get("stop_reason").asText()).isEqualTo("end_turn");
      assertThat(answer.at("/content/0/text").asText()).isEqualTo("[mock-a] received 3 messages; tool result: \"15 °C\"");
    }

    @Test
    void anthropicStreamsTheCallAsInputJsonDeltas() {
      String body = post(mock.port(), "/v1/messages", "{\"model\":\"c\",\"max_tokens\":9,\"stream\":true,"
          + ANTHROPIC_TOOLS + ",\"messages\":[{\"role\":\"user\",\"content\":\"w\"}]}").body();
      List<JsonNode> events = dataEvents(body);
      assertThat(events.get(1).at("/content_block/type").asText()).isEqualTo("tool_use");
      StringBuilder arguments = new StringBuilder();
      events.stream().filter(e -> e.at("/delta/type").asText().equals("input_json_delta"))
          .forEach(e -> arguments.append(e.at("/delta/partial_json").asText()));
      assertThat(arguments.toString()).isEqualTo("{\"city\":\"Paris\"}");
      assertThat(body).contains("\"stop_reason\":\"tool_use\"").doesNotContain("text_delta");
    }

    @Test
    void withoutToolsNothingChanges() {
      JsonNode plain = json(post(mock.port(), "/v1/chat/completions",
          "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
      assertThat(plain.at("/choices/0/message/content").asText())
          .isEqualTo("[mock-a] received 1 message; last user message: \"hi\"");
      assertThat(plain.at("/choices/0/message/tool_calls").isMissingNode()).isTrue();
      // Tools offered, but the assistant spoke last: no call.
      JsonNode afterAssistant = json(post(mock.port(), "/v1/chat/completions", "{\"model\":\"m\"," + OPENAI_TOOLS
          + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"yes\"}]}"));
      assertThat(afterAssistant.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    private static List<JsonNode> dataEvents(String sse) {
      List<JsonNode> events = new ArrayList<>();
      for (String line : sse.split("\n")) {
        if (line.startsWith("data: {")) {
          try {
            events.add(MockLlmClient.JSON.readTree(line.substring(6)));
          } catch (IOException e) {
            throw new AssertionError(e);
          }
        }
      }
      return events;
    }
  }
}
