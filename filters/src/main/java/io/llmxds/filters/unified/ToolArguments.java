package io.llmxds.filters.unified;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A tool call's arguments: OpenAI sends them as a JSON string ({@code function.arguments}), Anthropic as the object
 * itself ({@code input}).
 */
final class ToolArguments {
  private ToolArguments() {}

  /** The object a string of arguments holds; an empty string means no arguments. */
  static ObjectNode parse(JsonField arguments) throws Untranslatable {
    String text = arguments.text();
    if (text.isBlank()) {
      return JsonField.JSON.createObjectNode();
    }
    try {
      JsonNode parsed = JsonField.JSON.readTree(text);
      if (parsed instanceof ObjectNode object) {
        return object;
      }
    } catch (JsonProcessingException e) {
      // Refused below: the message would quote the arguments.
    }
    throw arguments.untranslatable("must be a JSON object in a string");
  }

  static String serialize(JsonNode input) {
    return input.toString();
  }
}
