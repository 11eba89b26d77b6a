package io.llmxds.filters.extproc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * Anthropic Messages streamed: {@code message_start} carries the model and {@code usage.input_tokens},
 * {@code content_block_delta} the text ({@code text_delta}), {@code message_delta} the final (cumulative)
 * {@code usage.output_tokens}, {@code message_stop} ends it; an {@code error} event fails it.
 */
final class AnthropicStream extends StreamedAnswer {
  private long inputTokens;

  @Override
  void onEvent(ObjectNode event) {
    switch (event.path("type").asText()) {
      case "message_start" -> {
        JsonNode message = event.path("message");
        model(message);
        inputTokens = message.path("usage").path("input_tokens").asLong();
      }
      case "content_block_delta" -> {
        if ("text_delta".equals(event.path("delta").path("type").asText())) {
          text(event.path("delta").path("text"));
        }
      }
      case "message_delta" -> {
        JsonBody.text(event.path("delta"), "stop_reason").ifPresent(reason -> finishReasons(List.of(reason)));
        JsonNode counts = event.path("usage");
        if (counts.path("output_tokens").canConvertToLong()) {
          // Newer API versions repeat input_tokens here; message_start's count stands otherwise.
          long input = counts.path("input_tokens").canConvertToLong() ? counts.get("input_tokens").asLong()
              : inputTokens;
          long output = counts.get("output_tokens").asLong();
          usage(Optional.of(new TokenUsage(input, output, input + output)));
        }
      }
      case "message_stop" -> complete();
      case "error" -> fail();
      default -> { }
    }
  }
}
