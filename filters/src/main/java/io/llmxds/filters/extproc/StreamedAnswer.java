package io.llmxds.filters.extproc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The events of one streamed answer, as one API words them: its text, usage and model, and whether the stream said
 * it was complete (chat's {@code [DONE]}, Responses' {@code response.completed}, Anthropic's {@code message_stop}) or
 * failed (an error event).
 */
abstract class StreamedAnswer {
  private final StringBuilder content = new StringBuilder();
  private Optional<TokenUsage> usage = Optional.empty();
  private Optional<String> model = Optional.empty();
  private final List<String> finishReasons = new ArrayList<>();
  private boolean done;
  private boolean failed;

  /** One event whose data is a JSON object. */
  abstract void onEvent(ObjectNode event);

  /** The {@code [DONE]} data line that ends a chat-completions stream. */
  final void onDoneMarker() {
    done = true;
  }

  final boolean done() {
    return done;
  }

  final boolean failed() {
    return failed;
  }

  final Optional<TokenUsage> usage() {
    return usage;
  }

  /** The answer, when the stream was complete, well-formed (as SseAnswer judged it) and had text. */
  final LlmAnswer answer(boolean wellFormed) {
    boolean complete = done && !failed && wellFormed && content.length() > 0;
    return new LlmAnswer(complete ? Optional.of(content.toString()) : Optional.empty(), usage, model, finishReasons);
  }

  protected final void text(JsonNode delta) {
    if (delta.isTextual()) {
      content.append(delta.asText());
    }
  }

  protected final void model(JsonNode holder) {
    model = model.or(() -> JsonBody.text(holder, "model"));
  }

  /** Why the answer (or one choice of it) stopped. */
  protected final void finishReasons(List<String> reasons) {
    finishReasons.addAll(reasons);
  }

  /** The final counts: the first an API reports as final is kept. */
  protected final void usage(Optional<TokenUsage> reported) {
    usage = usage.or(() -> reported);
  }

  protected final void complete() {
    done = true;
  }

  protected final void fail() {
    failed = true;
  }
}
