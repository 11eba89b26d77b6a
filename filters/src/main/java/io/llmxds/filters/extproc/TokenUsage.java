package io.llmxds.filters.extproc;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmxds.filters.context.Turn;
import java.util.Optional;

/** The token counts a provider reported in a response's {@code usage}. */
record TokenUsage(long promptTokens, long completionTokens, long totalTokens) {

  /** OpenAI's chat completions, completions and embeddings: {@code prompt_tokens}, {@code completion_tokens}. */
  static Optional<TokenUsage> read(JsonNode usage) {
    return read(usage, "prompt_tokens", "completion_tokens");
  }

  /** The Responses API, image generation and Anthropic: {@code input_tokens}, {@code output_tokens}. */
  static Optional<TokenUsage> readInputOutput(JsonNode usage) {
    return read(usage, "input_tokens", "output_tokens");
  }

  /**
   * {@code usage} when it holds the prompt count; the completion count is 0 when absent (embeddings report none), the
   * total is the provider's, else their sum.
   */
  private static Optional<TokenUsage> read(JsonNode usage, String promptField, String completionField) {
    if (usage == null || !usage.path(promptField).canConvertToLong()) {
      return Optional.empty();
    }
    long prompt = usage.get(promptField).asLong();
    long completion = usage.path(completionField).canConvertToLong() ? usage.get(completionField).asLong() : 0;
    long total = usage.path("total_tokens").canConvertToLong() ? usage.get("total_tokens").asLong()
        : prompt + completion;
    return Optional.of(new TokenUsage(prompt, completion, total));
  }

  Turn.Usage turnUsage() {
    return new Turn.Usage(promptTokens, completionTokens);
  }
}
