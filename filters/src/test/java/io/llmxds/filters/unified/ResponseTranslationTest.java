package io.llmxds.filters.unified;

import static io.llmxds.filters.unified.RequestTranslationTest.read;
import static io.llmxds.filters.unified.UnifiedSamples.ANTHROPIC_CLIENT;
import static io.llmxds.filters.unified.UnifiedSamples.OPENAI_CLIENT;
import static io.llmxds.filters.unified.UnifiedSamples.assertGolden;
import static io.llmxds.filters.unified.UnifiedSamples.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** JSON answers and error answers both ways: goldens, the stop-reason table, usage, ids, the error shapes. */
class ResponseTranslationTest {

  @Test
  void anthropicAnswerAsChatCompletion() throws Untranslatable {
    ObjectNode completion = OPENAI_CLIENT.response(json("anthropic-answer.json"));

    assertGolden("anthropic-answer.as-openai.json", completion);
    assertThat(completion.get("id").asText()).isEqualTo("chatcmpl-msg_01Aq9w938a90dw8q");
    assertThat(completion.get("created").asLong()).isEqualTo(1_700_000_000);
    JsonNode choice = completion.get("choices").get(0);
    assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(choice.get("message").get("tool_calls").get(0).get("function").get("arguments").asText())
        .isEqualTo("{\"location\":\"Paris, France\"}");
    // 472 uncached + 100 read from the cache: OpenAI's prompt counts both.
    assertThat(completion.get("usage").toString()).isEqualTo("{\"prompt_tokens\":572,\"completion_tokens\":91,"
        + "\"total_tokens\":663,\"prompt_tokens_details\":{\"cached_tokens\":100}}");
  }

  @Test
  void chatCompletionAsAnthropicMessage() throws Untranslatable {
    ObjectNode message = ANTHROPIC_CLIENT.response(json("openai-answer.json"));

    assertGolden("openai-answer.as-anthropic.json", message);
    assertThat(message.get("id").asText()).isEqualTo("msg_chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG");
    assertThat(message.get("stop_reason").asText()).isEqualTo("tool_use");
    assertThat(message.get("content").get(1).get("input")).isEqualTo(read("{\"location\":\"Paris, France\"}"));
    assertThat(message.get("usage").get("input_tokens").asLong()).isEqualTo(1117 - 1024);
    assertThat(message.get("usage").get("cache_read_input_tokens").asLong()).isEqualTo(1024);
  }

  @ParameterizedTest(name = "{0} <-> {1}")
  @CsvSource({
      "end_turn, stop, end_turn", "stop_sequence, stop, end_turn", "max_tokens, length, max_tokens",
      "tool_use, tool_calls, tool_use", "refusal, content_filter, refusal"})
  void stopReasons(String anthropic, String openAi, String back) throws Untranslatable {
    ObjectNode answer = json("anthropic-answer.json").put("stop_reason", anthropic);
    assertThat(OPENAI_CLIENT.response(answer).get("choices").get(0).get("finish_reason").asText()).isEqualTo(openAi);
    ObjectNode completion = json("openai-answer.json");
    ((ObjectNode) completion.get("choices").get(0)).put("finish_reason", openAi);
    assertThat(ANTHROPIC_CLIENT.response(completion).get("stop_reason").asText()).isEqualTo(back);
  }

  @Test
  void malformedAnswersNameTheProvidersField() {
    ObjectNode pause = json("anthropic-answer.json").put("stop_reason", "pause_turn");
    assertThatThrownBy(() -> OPENAI_CLIENT.response(pause)).isInstanceOfSatisfying(Untranslatable.class,
        e -> assertThat(e.field()).isEqualTo("stop_reason"));
    ObjectNode server = json("anthropic-answer.json");
    ((ObjectNode) server.get("content").get(0)).put("type", "server_tool_use");
    assertThatThrownBy(() -> OPENAI_CLIENT.response(server)).isInstanceOfSatisfying(Untranslatable.class,
        e -> assertThat(e.field()).isEqualTo("content[0].type"));
    ObjectNode twoChoices = json("openai-answer.json");
    twoChoices.withArray("choices").add(twoChoices.get("choices").get(0).deepCopy());
    assertThatThrownBy(() -> ANTHROPIC_CLIENT.response(twoChoices)).isInstanceOfSatisfying(Untranslatable.class,
        e -> assertThat(e.field()).isEqualTo("choices"));
    ObjectNode badArguments = json("openai-answer.json");
    ((ObjectNode) badArguments.at("/choices/0/message/tool_calls/0/function")).put("arguments", "{\"loc");
    assertThatThrownBy(() -> ANTHROPIC_CLIENT.response(badArguments)).isInstanceOfSatisfying(Untranslatable.class,
        e -> assertThat(e.field()).isEqualTo("choices[0].message.tool_calls[0].function.arguments"));
    ObjectNode noUsage = json("anthropic-answer.json");
    noUsage.remove("usage");
    assertThatThrownBy(() -> OPENAI_CLIENT.response(noUsage)).isInstanceOfSatisfying(Untranslatable.class,
        e -> assertThat(e.field()).isEqualTo("usage.input_tokens"));
  }

  @Test
  void aRefusalIsTextWithTheRefusalStopReason() throws Untranslatable {
    ObjectNode completion = json("openai-answer.json");
    ObjectNode message = (ObjectNode) completion.at("/choices/0/message");
    message.putNull("content").put("refusal", "I can't help with that.").remove("tool_calls");
    ((ObjectNode) completion.get("choices").get(0)).put("finish_reason", "stop");

    ObjectNode translated = ANTHROPIC_CLIENT.response(completion);

    assertThat(translated.get("content")).isEqualTo(read("[{\"type\":\"text\",\"text\":\"I can't help with that.\"}]"));
    assertThat(translated.get("stop_reason").asText()).isEqualTo("refusal");
  }

  @Test
  void errorsInTheClientsShape() {
    ByteString overloaded = ByteString.copyFromUtf8(
        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
    assertThat(OPENAI_CLIENT.error(529, overloaded)).isEqualTo(read(
        "{\"error\":{\"message\":\"Overloaded\",\"type\":\"server_error\",\"param\":null,\"code\":\"overloaded_error\"}}"));
    ByteString invalid = ByteString.copyFromUtf8("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
        + "\"message\":\"max_tokens: must be greater than 0\"}}");
    assertThat(OPENAI_CLIENT.error(400, invalid).get("error").get("type").asText()).isEqualTo("invalid_request_error");

    ByteString openAiError = ByteString.copyFromUtf8("{\"error\":{\"message\":\"Rate limit reached for gpt-4o\","
        + "\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}");
    assertThat(ANTHROPIC_CLIENT.error(429, openAiError)).isEqualTo(read(
        "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Rate limit reached for gpt-4o\"}}"));
    ByteString withParam = ByteString.copyFromUtf8("{\"error\":{\"message\":\"Invalid value\",\"type\":"
        + "\"invalid_request_error\",\"param\":\"messages[0].role\",\"code\":null}}");
    assertThat(ANTHROPIC_CLIENT.error(400, withParam).at("/error/message").asText())
        .isEqualTo("messages[0].role: Invalid value");
    for (int[] pair : new int[][] {{401, 0}, {403, 1}, {404, 2}, {413, 3}, {500, 4}, {503, 5}, {504, 6}}) {
      String[] types = {"authentication_error", "permission_error", "not_found_error", "request_too_large",
          "api_error", "overloaded_error", "timeout_error"};
      assertThat(ANTHROPIC_CLIENT.error(pair[0], ByteString.copyFromUtf8("{\"error\":{\"message\":\"x\"}}"))
          .at("/error/type").asText()).as("status %d", pair[0]).isEqualTo(types[pair[1]]);
    }
  }

  @Test
  void aNonJsonErrorBodyIsToldCapped() {
    ByteString html = ByteString.copyFromUtf8("<html><body>502 Bad Gateway</body></html>\n" + "x".repeat(100_000));
    String message = OPENAI_CLIENT.error(502, html).at("/error/message").asText();
    assertThat(message).startsWith("the provider answered 502 with a non-JSON body: <html><body>502 Bad Gateway")
        .hasSizeLessThan(300).endsWith("…");
    assertThat(OPENAI_CLIENT.error(502, html).at("/error/type").asText()).isEqualTo("server_error");
    assertThat(ANTHROPIC_CLIENT.error(503, ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xfe}))
        .at("/error/message").asText()).startsWith("the provider answered 503 with a non-JSON body");
    assertThat(ANTHROPIC_CLIENT.error(500, ByteString.EMPTY).at("/error/message").asText())
        .isEqualTo("the provider answered 500 with a non-JSON body");
    assertThat(OPENAI_CLIENT.error(500, ByteString.copyFromUtf8("[1,2]")).at("/error/message").asText())
        .isEqualTo("the provider answered 500 with a non-JSON body: [1,2]");
  }
}
