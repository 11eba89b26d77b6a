package io.llmxds.examples.mockllm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * What a conversation asks of the mock's tools (examples/README.md "Tool calls"), in either API's words: a call of
 * the request's first tool when the last message is the user's, or the tool's result to quote back when the last
 * message carries one (OpenAI's {@code role: tool}, Anthropic's {@code tool_result} block).
 */
record ToolTurn(Optional<Call> call, Optional<String> result) {
  /** The value every required string parameter gets, so that arguments are deterministic. */
  static final String ARGUMENT_VALUE = "Paris";

  /** A call of {@code name} with {@code arguments} (a JSON object). */
  record Call(String name, ObjectNode arguments) {}

  static final ToolTurn NONE = new ToolTurn(Optional.empty(), Optional.empty());

  static ToolTurn of(ObjectMapper json, JsonNode request) {
    JsonNode messages = request.path("messages");
    JsonNode last = messages.path(messages.size() - 1);
    Optional<String> result = result(last);
    if (result.isPresent()) {
      return new ToolTurn(Optional.empty(), result);
    }
    JsonNode tool = request.path("tools").path(0);
    if (tool.isMissingNode() || !"user".equals(last.path("role").asText())) {
      return NONE;
    }
    // OpenAI: {type:function, function:{name, parameters}}; Anthropic: {name, input_schema}.
    JsonNode function = tool.has("function") ? tool.get("function") : tool;
    JsonNode schema = function.has("parameters") ? function.get("parameters") : function.path("input_schema");
    ObjectNode arguments = json.createObjectNode();
    for (JsonNode required : schema.path("required")) {
      if ("string".equals(schema.path("properties").path(required.asText()).path("type").asText())) {
        arguments.put(required.asText(), ARGUMENT_VALUE);
      }
    }
    return new ToolTurn(Optional.of(new Call(function.path("name").asText("tool"), arguments)), Optional.empty());
  }

  private static Optional<String> result(JsonNode last) {
    if ("tool".equals(last.path("role").asText())) {
      return Optional.of(text(last.path("content")));
    }
    Optional<String> result = Optional.empty();
    for (JsonNode block : last.path("content")) {
      if ("tool_result".equals(block.path("type").asText())) {
        result = Optional.of(text(block.path("content")));
      }
    }
    return result;
  }

  private static String text(JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder joined = new StringBuilder();
    content.forEach(part -> joined.append(part.path("text").asText("")));
    return joined.toString();
  }
}
