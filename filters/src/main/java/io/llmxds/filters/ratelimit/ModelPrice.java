package io.llmxds.filters.ratelimit;

/** What a model's tokens cost, in dollars per 1M tokens. */
public record ModelPrice(double inputPerMillion, double outputPerMillion) {

  /** The cost of an answer in nano-dollars (a dollar per 1M tokens is a thousand nano-dollars per token). */
  long nanoDollars(long inputTokens, long outputTokens) {
    return Math.round(inputTokens * inputPerMillion * 1000 + outputTokens * outputPerMillion * 1000);
  }
}
