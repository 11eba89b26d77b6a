package io.llmxds.filters.extproc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * The fields of a request body the service itself reads, checked before it acts on them: a wrong one gets a 400
 * naming it (docs/llm-apis.md), everything else is the provider's to judge.
 */
final class RequestFields {
  /** A field the API does not take as sent, and why. */
  record Invalid(String param, String message) {}

  private RequestFields() {}

  static Optional<Invalid> check(ObjectNode body, LlmApi api) {
    JsonNode model = body.get("model");
    if (model == null || model.isNull()) {
      return invalid("model", "'model' is required");
    }
    if (!model.isTextual() || model.asText().isEmpty()) {
      return invalid("model", "'model' must be a non-empty string");
    }
    JsonNode stream = body.get("stream");
    if (stream != null && !stream.isBoolean() && !stream.isNull()) {
      return invalid("stream", "'stream' must be a boolean");
    }
    if (!api.conversation) {
      return Optional.empty();
    }
    JsonNode messages = body.get("messages");
    if (messages != null && !messages.isArray()) {
      return invalid("messages", "'messages' must be an array");
    }
    for (int i = 0; messages != null && i < messages.size(); i++) {
      if (!messages.get(i).isObject()) {
        return invalid("messages[" + i + "]", "'messages[" + i + "]' must be an object");
      }
    }
    JsonNode system = body.get("system");
    if (api == LlmApi.ANTHROPIC_MESSAGES && system != null && !system.isTextual() && !system.isArray()) {
      return invalid("system", "'system' must be a string or an array of text blocks");
    }
    return Optional.empty();
  }

  private static Optional<Invalid> invalid(String param, String message) {
    return Optional.of(new Invalid(param, message));
  }
}
