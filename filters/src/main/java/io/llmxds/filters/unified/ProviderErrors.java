package io.llmxds.filters.unified;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.llmxds.filters.sse.SseEvents;
import java.nio.charset.CharacterCodingException;
import java.util.Optional;

/**
 * A provider's error answer in the client's API's shape (docs/llm-apis.md "errors"). The provider's message is kept
 * (capped); the type follows the status, and an OpenAI client's {@code code} names Anthropic's own type. A body that
 * is not the provider's error shape is told as such, with at most {@link #EXCERPT_CHARS} characters of it.
 */
final class ProviderErrors {
  static final int EXCERPT_CHARS = 200;
  static final int MESSAGE_CHARS = 2000;

  private ProviderErrors() {}

  /** An Anthropic provider's error for an OpenAI client. */
  static ObjectNode anthropicToOpenAi(int status, ByteString body) {
    Optional<JsonNode> json = json(body);
    JsonNode error = json.map(j -> j.path("error")).orElse(null);
    String type = error != null && error.path("type").isTextual() ? error.get("type").asText() : anthropicType(status);
    String message = error != null && error.path("message").isTextual() ? cap(error.get("message").asText())
        : unknownBody(status, body, json.isPresent());
    return ApiErrors.openAi(message, openAiType(type), null, type);
  }

  /** An OpenAI provider's error for an Anthropic client; a {@code param} is named first, as the gateway's own are. */
  static ObjectNode openAiToAnthropic(int status, ByteString body) {
    Optional<JsonNode> json = json(body);
    JsonNode error = json.map(j -> j.path("error")).orElse(null);
    String message;
    if (error != null && error.path("message").isTextual()) {
      String param = error.path("param").isTextual() ? error.get("param").asText() + ": " : "";
      message = cap(param + error.get("message").asText());
    } else if (error != null && error.isTextual()) {
      message = cap(error.asText());
    } else {
      message = unknownBody(status, body, json.isPresent());
    }
    return ApiErrors.anthropic(anthropicType(status), message);
  }

  /** Anthropic's error type for an HTTP status. */
  static String anthropicType(int status) {
    return switch (status) {
      case 400 -> "invalid_request_error";
      case 401 -> "authentication_error";
      case 402 -> "billing_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 408, 504 -> "timeout_error";
      case 413 -> "request_too_large";
      case 429 -> "rate_limit_error";
      case 503, 529 -> "overloaded_error";
      default -> status >= 500 ? "api_error" : "invalid_request_error";
    };
  }

  /** OpenAI's error type for one of Anthropic's. */
  static String openAiType(String anthropicType) {
    return switch (anthropicType) {
      case "authentication_error" -> "authentication_error";
      case "permission_error" -> "permission_error";
      case "rate_limit_error" -> "rate_limit_error";
      case "billing_error" -> "insufficient_quota";
      case "api_error", "overloaded_error", "timeout_error" -> "server_error";
      default -> "invalid_request_error";
    };
  }

  private static Optional<JsonNode> json(ByteString body) {
    try {
      JsonNode node = JsonField.JSON.readTree(SseEvents.strictUtf8(body.asReadOnlyByteBuffer()));
      return node != null && node.isObject() ? Optional.of((ObjectNode) node) : Optional.empty();
    } catch (JsonProcessingException | CharacterCodingException e) {
      return Optional.empty();
    }
  }

  private static String unknownBody(int status, ByteString body, boolean isJson) {
    String what = isJson ? "an error body of an unknown shape" : "a non-JSON body";
    String excerpt = excerpt(body);
    return "the provider answered " + status + " with " + what + (excerpt.isEmpty() ? "" : ": " + excerpt);
  }

  /** The body's first characters (invalid UTF-8 replaced), control characters as spaces. */
  private static String excerpt(ByteString body) {
    String text = body.substring(0, Math.min(body.size(), EXCERPT_CHARS * 4)).toStringUtf8();
    text = text.codePoints().limit(EXCERPT_CHARS)
        .map(c -> Character.isISOControl(c) ? ' ' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString().strip();
    return body.size() > text.length() && text.length() >= EXCERPT_CHARS ? text + "…" : text;
  }

  /** A provider's message, at most {@link #MESSAGE_CHARS} characters. */
  static String cap(String message) {
    return message.length() <= MESSAGE_CHARS ? message : message.substring(0, MESSAGE_CHARS) + "…";
  }
}
