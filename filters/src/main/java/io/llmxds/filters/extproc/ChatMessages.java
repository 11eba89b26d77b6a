package io.llmxds.filters.extproc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmxds.filters.context.Turn;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;

/** The {@code messages} array of a chat-completions request: which messages are stored, where history goes. */
final class ChatMessages {
  private static final Set<String> SYSTEM_ROLES = Set.of("system", "developer");
  /** Roles that replay on their own; a {@code tool} message without its assistant {@code tool_calls} would not. */
  private static final Set<String> STORED_ROLES = Set.of("user", "assistant");

  private ChatMessages() {}

  /** The request's messages that become stored turns: user and assistant messages with text. */
  static List<Turn> storable(ArrayNode messages) {
    List<Turn> turns = new ArrayList<>();
    for (JsonNode message : messages) {
      Optional<String> role = JsonBody.text(message, "role").filter(STORED_ROLES::contains);
      Optional<String> text = Optional.ofNullable(message.get("content")).flatMap(ChatMessages::text);
      if (role.isPresent() && text.isPresent()) {
        turns.add(Turn.of(role.get(), text.get()));
      }
    }
    return turns;
  }

  /** A content's text: the string itself, or the {@code text} parts of a content-parts array joined by newlines. */
  static Optional<String> text(JsonNode content) {
    if (content.isTextual()) {
      return Optional.of(content.asText()).filter(s -> !s.isEmpty());
    }
    if (!content.isArray()) {
      return Optional.empty();
    }
    StringJoiner joined = new StringJoiner("\n");
    for (JsonNode part : content) {
      if ("text".equals(part.path("type").asText()) && part.path("text").isTextual()) {
        joined.add(part.get("text").asText());
      }
    }
    return Optional.of(joined.toString()).filter(s -> !s.isEmpty());
  }

  /**
   * Inserts {@code history} after the leading system (and developer) messages, before the request's own messages.
   */
  static void insertAfterSystem(ArrayNode messages, List<Turn> history) {
    int at = 0;
    while (at < messages.size() && JsonBody.text(messages.get(at), "role").filter(SYSTEM_ROLES::contains).isPresent()) {
      at++;
    }
    for (Turn turn : history) {
      ObjectNode message = messages.objectNode();
      message.put("role", turn.role());
      message.put("content", turn.content());
      messages.insert(at++, message);
    }
  }
}
