package io.llmxds.filters.ratelimit;

import java.util.Locale;

/**
 * One rule of a target: at most {@code amount} of {@code unit} per {@code window}.
 *
 * @param amount in counter units: requests, tokens, or nano-dollars for {@link Unit#USD} (so money adds up exactly)
 */
public record LimitRule(Kind kind, Unit unit, long amount, Window window, Bucket bucket) {

  /** {@code rate}: refused as {@code rate_limit_exceeded}; {@code budget}: as {@code insufficient_quota}. */
  public enum Kind { RATE, BUDGET }

  /** What a rule counts. */
  public enum Unit {
    REQUESTS, TOKENS, INPUT_TOKENS, OUTPUT_TOKENS, USD;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Tokens and money are charged at stream done; requests are counted when they are admitted. */
    boolean chargedAtStreamDone() {
      return this != REQUESTS;
    }

    /** What one answer adds to a counter of this unit. */
    long of(Charge charge) {
      return switch (this) {
        case REQUESTS -> 0;
        case TOKENS -> charge.inputTokens() + charge.outputTokens();
        case INPUT_TOKENS -> charge.inputTokens();
        case OUTPUT_TOKENS -> charge.outputTokens();
        case USD -> charge.nanoDollars();
      };
    }
  }

  /** {@code consumer}: a counter per consumer; {@code shared}: one for everyone the target matches. */
  public enum Bucket { CONSUMER, SHARED }

  /** The counters per dollar. */
  public static final long NANOS_PER_DOLLAR = 1_000_000_000L;
}
