package io.llmxds.filters.extproc;

import java.util.Optional;

/**
 * What an LLM API's response said: the assistant's text (empty when there is none to store: a tool call, an error,
 * an unreadable or incomplete response, an API without conversations), the token usage and the model that answered.
 */
record LlmAnswer(Optional<String> content, Optional<TokenUsage> usage, Optional<String> model) {

  static final LlmAnswer NONE = new LlmAnswer(Optional.empty(), Optional.empty(), Optional.empty());
}
