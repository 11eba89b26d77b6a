package io.llmxds.envoy;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How many tokens an Envoy local_ratelimit bucket can have gained since a moment. A bucket of {@code limit} per
 * {@code per} is refilled continuously at limit/per tokens a second (docs/envoy-semantics.md L5: 100 a minute is
 * 1.67 a second), so a test that sends its requests over some seconds gets more than {@code limit} through, and a
 * bucket read twice may have grown in between. Start one before the first request of what it bounds, read it after
 * the last response: Envoy's interval then lies inside the measured one.
 */
final class TokenRefill {
  private final double tokensPerSecond;
  private final LongSupplier nanoTime;
  private final long startedAt;

  TokenRefill(int limit, Duration per, LongSupplier nanoTime) {
    this.tokensPerSecond = limit / (per.toNanos() / 1e9);
    this.nanoTime = nanoTime;
    this.startedAt = nanoTime.getAsLong();
  }

  static TokenRefill startingNow(int limit, Duration per) {
    return new TokenRefill(limit, per, System::nanoTime);
  }

  /** The most whole tokens the bucket can have gained since this started: floor(elapsed seconds × rate). */
  long atMost() {
    return (long) Math.floor((nanoTime.getAsLong() - startedAt) / 1e9 * tokensPerSecond);
  }
}
