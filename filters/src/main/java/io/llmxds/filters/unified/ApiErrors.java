package io.llmxds.filters.unified;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Error bodies as each API words them: OpenAI's {@code {"error":{"message","type","param","code"}}} and Anthropic's
 * {@code {"type":"error","error":{"type","message"}}}. Shared by the service's own refusals (extproc's ErrorShape)
 * and the translated provider errors.
 */
public final class ApiErrors {
  private ApiErrors() {}

  /** {@code param} and {@code code} are JSON {@code null} when null or empty. */
  public static ObjectNode openAi(String message, String type, String param, String code) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ObjectNode error = body.putObject("error").put("message", message).put("type", type);
    nullWhenEmpty(error, "param", param);
    nullWhenEmpty(error, "code", code);
    return body;
  }

  public static ObjectNode anthropic(String type, String message) {
    ObjectNode body = JsonNodeFactory.instance.objectNode().put("type", "error");
    body.putObject("error").put("type", type).put("message", message);
    return body;
  }

  private static void nullWhenEmpty(ObjectNode error, String field, String value) {
    if (value == null || value.isEmpty()) {
      error.putNull(field);
    } else {
      error.put(field, value);
    }
  }
}
