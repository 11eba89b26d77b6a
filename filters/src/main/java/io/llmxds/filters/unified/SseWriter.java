package io.llmxds.filters.unified;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;

/**
 * Client SSE bytes as each API sends them: OpenAI's bare {@code data:} lines, Anthropic's with an {@code event:}
 * line.
 */
final class SseWriter {
  private final StringBuilder pending = new StringBuilder();

  void data(JsonNode json) {
    pending.append("data: ").append(json).append("\n\n");
  }

  /** An event whose type is also its JSON's {@code type}, as Anthropic sends it. */
  void event(JsonNode json) {
    pending.append("event: ").append(json.path("type").asText()).append('\n');
    data(json);
  }

  /** OpenAI's end of a chat-completions stream. */
  void done() {
    pending.append("data: [DONE]\n\n");
  }

  /** What was written since the last call. */
  ByteString take() {
    ByteString bytes = ByteString.copyFrom(pending.toString(), StandardCharsets.UTF_8);
    pending.setLength(0);
    return bytes;
  }
}
