package io.llmxds.filters.context;

import java.time.Instant;
import java.util.Optional;

/**
 * One message of a conversation: what a client sent ({@code user}) or what the model answered ({@code assistant}).
 * Schema v1 stores only {@code role} and {@code content}; v2 adds when, which model and the token counts.
 */
public record Turn(
    String role,
    String content,
    Optional<Instant> at,
    Optional<String> model,
    Optional<Usage> usage) {

  /** Token counts of the exchange this turn belongs to, as the provider reported them. */
  public record Usage(long promptTokens, long completionTokens) {}

  public static Turn of(String role, String content) {
    return new Turn(role, content, Optional.empty(), Optional.empty(), Optional.empty());
  }
}
