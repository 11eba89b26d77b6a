package io.llmxds.examples.mockllm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;

/**
 * What the mock reads from a chat-completions request body: the model, the messages (counted, and the last user
 * message quoted back), their total text length (for the token estimate) and whether to stream.
 */
record ChatRequest(String model, int messages, Optional<String> lastUserMessage, long promptChars, boolean stream,
    boolean includeUsage) {

  static ChatRequest parse(ObjectMapper json, byte[] body) throws InvalidRequest {
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (JsonProcessingException e) {
      throw new InvalidRequest("request body is not valid JSON: " + e.getOriginalMessage(), "invalid_json");
    } catch (IOException e) {
      throw new InvalidRequest("request body could not be read: " + e.getMessage(), "invalid_json");
    }
    if (root == null || !root.isObject()) {
      throw new InvalidRequest("request body must be a JSON object", "invalid_request");
    }
    JsonNode model = root.get("model");
    if (model == null || !model.isTextual() || model.asText().isEmpty()) {
      throw new InvalidRequest("'model' must be a non-empty string", "invalid_request");
    }
    JsonNode messages = root.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw new InvalidRequest("'messages' must be a non-empty array", "invalid_request");
    }
    long chars = 0;
    Optional<String> lastUser = Optional.empty();
    for (JsonNode message : messages) {
      String text = text(message.path("content"));
      chars += text.length();
      if ("user".equals(message.path("role").asText())) {
        lastUser = Optional.of(text);
      }
    }
    return new ChatRequest(model.asText(), messages.size(), lastUser, chars, root.path("stream").asBoolean(false),
        root.path("stream_options").path("include_usage").asBoolean(false));
  }

  /** A message's text: a string, or the {@code text} parts of a content array joined by newlines. */
  private static String text(JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder joined = new StringBuilder();
    for (JsonNode part : content) {
      if (part.path("text").isTextual()) {
        joined.append(joined.length() > 0 ? "\n" : "").append(part.get("text").asText());
      }
    }
    return joined.toString();
  }
}
