package io.llmxds.examples.mockllm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;

/**
 * What the mock reads from a request body of any of its APIs: the model, the messages or inputs (counted, and the
 * last user message quoted back), their total text length (for the token estimate), whether to stream, and for
 * embeddings whether they are wanted base64-encoded; for a conversation, what it asks of its tools.
 */
record ChatRequest(String model, int messages, Optional<String> lastUserMessage, long promptChars, boolean stream,
    boolean includeUsage, boolean base64, ToolTurn tools) {

  /** A chat-completions body. */
  static ChatRequest parse(ObjectMapper json, byte[] body) throws InvalidRequest {
    return parse(json, body, "messages");
  }

  /**
   * A body whose text is in {@code field}: {@code messages} (an array of messages), or an {@code input} or
   * {@code prompt} that is a string or an array of strings or messages (each string counts as a user message).
   */
  static ChatRequest parse(ObjectMapper json, byte[] body, String field) throws InvalidRequest {
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
    JsonNode messages = root.get(field);
    boolean conversation = field.equals("messages");
    if (messages != null && messages.isTextual() && !conversation) {
      messages = json.createArrayNode().add(messages);
    }
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw new InvalidRequest("'" + field + "' must be a " + (conversation ? "" : "string or a ") + "non-empty array",
          "invalid_request");
    }
    // Anthropic's instructions are top-level; they count towards the prompt.
    long chars = text(root.path("system")).length();
    Optional<String> lastUser = Optional.empty();
    for (JsonNode message : messages) {
      String text = message.isTextual() ? message.asText() : text(message.path("content"));
      chars += text.length();
      if (message.isTextual() || "user".equals(message.path("role").asText())) {
        lastUser = Optional.of(text);
      }
    }
    return new ChatRequest(model.asText(), messages.size(), lastUser, chars, root.path("stream").asBoolean(false),
        root.path("stream_options").path("include_usage").asBoolean(false),
        "base64".equals(root.path("encoding_format").asText()), conversation ? ToolTurn.of(json, root) : ToolTurn.NONE);
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
