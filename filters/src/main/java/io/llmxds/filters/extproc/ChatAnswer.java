package io.llmxds.filters.extproc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * What a chat-completions response said: the assistant's text (empty when there is none to store: a tool call, an
 * error, an unreadable or incomplete response), the token usage and the model that answered.
 */
record ChatAnswer(Optional<String> content, Optional<TokenUsage> usage, Optional<String> model) {

  static final ChatAnswer NONE = new ChatAnswer(Optional.empty(), Optional.empty(), Optional.empty());

  /** A whole JSON response: {@code choices[0].message.content} and {@code usage}. */
  static ChatAnswer ofJson(ObjectNode response) {
    JsonNode content = response.path("choices").path(0).path("message").path("content");
    return new ChatAnswer(ChatMessages.text(content), TokenUsage.read(response.get("usage")),
        JsonBody.text(response, "model"));
  }
}
