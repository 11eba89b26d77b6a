package io.llmxds.filters.extproc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Responses API streamed: typed events; the usage and model are in the final {@code response.completed} event's
 * {@code response}, which also ends the stream (there is no {@code [DONE]}).
 */
final class ResponsesStream extends StreamedAnswer {
  @Override
  void onEvent(ObjectNode event) {
    switch (event.path("type").asText()) {
      case "response.output_text.delta" -> text(event.path("delta"));
      case "response.completed" -> {
        JsonNode response = event.path("response");
        model(response);
        usage(TokenUsage.readInputOutput(response.get("usage")));
        complete();
      }
      case "error", "response.failed", "response.incomplete" -> fail();
      default -> { }
    }
  }
}
