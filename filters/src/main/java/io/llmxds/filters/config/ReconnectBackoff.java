package io.llmxds.filters.config;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Delays between attempts to reach the control plane: doubling from {@link #FIRST} up to {@link #MAX}, each drawn
 * from its upper half, so that replicas cut off together do not come back in step.
 */
final class ReconnectBackoff {
  static final Duration FIRST = Duration.ofMillis(100);
  static final Duration MAX = Duration.ofSeconds(5);

  private Duration next = FIRST;

  Duration next() {
    Duration ceiling = next;
    next = next.multipliedBy(2).compareTo(MAX) > 0 ? MAX : next.multipliedBy(2);
    long half = ceiling.toMillis() / 2;
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
  }

  /** The stream worked: the next failure starts over. */
  void reset() {
    next = FIRST;
  }
}
