package io.llmxds.filters.extproc;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmxds.filters.context.Turn;
import java.util.Optional;

/** The token counts a provider reported in a response's {@code usage}. */
record TokenUsage(long promptTokens, long completionTokens, long totalTokens) {

  /** {@code usage} when it holds both counts; the total is the provider's, else their sum. */
  static Optional<TokenUsage> read(JsonNode usage) {
    if (usage == null || !usage.path("prompt_tokens").canConvertToLong()
        || !usage.path("completion_tokens").canConvertToLong()) {
      return Optional.empty();
    }
    long prompt = usage.get("prompt_tokens").asLong();
    long completion = usage.get("completion_tokens").asLong();
    long total = usage.path("total_tokens").canConvertToLong() ? usage.get("total_tokens").asLong()
        : prompt + completion;
    return Optional.of(new TokenUsage(prompt, completion, total));
  }

  Turn.Usage turnUsage() {
    return new Turn.Usage(promptTokens, completionTokens);
  }
}
