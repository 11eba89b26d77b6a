package io.llmxds.filters.extproc;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.llmxds.filters.sse.SseEvents;
import java.nio.charset.CharacterCodingException;
import java.util.Optional;

/**
 * An HTTP body read as one JSON object, or why it could not be: too large, not valid UTF-8 (decoded strictly first,
 * since a lenient decoder would silently replace bytes the client sent), or not a JSON object.
 */
final class JsonBody {
  static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final ObjectNode json;
  private final Bypass failure;
  private final String problem;

  private JsonBody(ObjectNode json, Bypass failure, String problem) {
    this.json = json;
    this.failure = failure;
    this.problem = problem;
  }

  static JsonBody parse(ByteString body, long maxBytes) {
    if (body.size() > maxBytes) {
      return new JsonBody(null, Bypass.BODY_TOO_LARGE, "the body is larger than " + maxBytes + " bytes");
    }
    String text;
    try {
      text = SseEvents.strictUtf8(body.asReadOnlyByteBuffer());
    } catch (CharacterCodingException e) {
      return new JsonBody(null, Bypass.INVALID_UTF8, "the body is not valid UTF-8");
    }
    try {
      JsonNode node = JSON.readTree(text);
      return node instanceof ObjectNode o ? new JsonBody(o, null, "")
          : new JsonBody(null, Bypass.NOT_JSON, "the body must be a JSON object");
    } catch (JsonProcessingException e) {
      // Told to the client who sent the body, never logged: the parser's message may quote it.
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      return new JsonBody(null, Bypass.NOT_JSON, "the body is not valid JSON" + where + ": " + e.getOriginalMessage());
    }
  }

  /** The object, when the body was one. */
  Optional<ObjectNode> json() {
    return Optional.ofNullable(json);
  }

  /** Why the body is not a JSON object; only meaningful when {@link #json()} is empty. */
  Bypass failure() {
    return failure;
  }

  /** The same, in words for the client (with the line and column of a JSON syntax error). */
  String problem() {
    return problem;
  }

  static ByteString serialize(JsonNode node) {
    try {
      return ByteString.copyFrom(JSON.writeValueAsBytes(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  /** The field when it is a non-empty string. */
  static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() && !value.asText().isEmpty() ? Optional.of(value.asText())
        : Optional.empty();
  }
}
