package io.llmxds.filters.extproc;

import java.util.List;
import java.util.Optional;

/**
 * What an LLM API's response said: the assistant's text (empty when there is none to store: a tool call, an error,
 * an unreadable or incomplete response, an API without conversations), the token usage, the model that answered and
 * why it stopped (chat's {@code finish_reason} per choice, Anthropic's {@code stop_reason}; none for the other APIs).
 */
record LlmAnswer(Optional<String> content, Optional<TokenUsage> usage, Optional<String> model,
    List<String> finishReasons) {

  static final LlmAnswer NONE = new LlmAnswer(Optional.empty(), Optional.empty(), Optional.empty(), List.of());

  LlmAnswer {
    finishReasons = List.copyOf(finishReasons);
  }
}
