package io.llmxds.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The bounds EnvoyRateLimitTest asserts, checked here against a model of Envoy's token bucket (L5, L6): whatever the
 * timing, a client gets between {@code limit} and {@code limit + atMost()} requests through before its first 429, and
 * a bucket read twice moves by at most one consumed token down and {@code atMost()} refilled tokens up. (The Envoy
 * test allows one more token for the two clocks, Envoy's and the test's.)
 */
class TokenRefillTest {
  private static final int LIMIT = 100;
  private static final Duration PER = Duration.ofMinutes(1);

  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Test
  void countsWholeTokensAtTheBucketsRate() {
    TokenRefill refill = new TokenRefill(LIMIT, PER, now::get);

    advanceMillis(599);
    assertThat(refill.atMost()).as("100/min: the first token after 0.6 s").isZero();
    advanceMillis(1);
    assertThat(refill.atMost()).isEqualTo(1);
    advanceMillis(59_400);
    assertThat(refill.atMost()).isEqualTo(100);
  }

  @Test
  void boundsThePassesBeforeTheFirst429AndTheRemainingHeaderBetweenTwoReadings() {
    Random random = new Random(42);
    for (int run = 0; run < 200; run++) {
      EnvoyBucket bucket = new EnvoyBucket(now.get());
      TokenRefill sinceFirst = new TokenRefill(LIMIT, PER, now::get);
      int passed = 0;
      long baseline = -1;
      TokenRefill sinceBaseline = null;
      while (true) {
        advanceMillis(random.nextInt(run % 2 == 0 ? 30 : 300));
        boolean allowed = bucket.consume(now.get());
        long remaining = bucket.remaining(now.get());
        if (!allowed) {
          break;
        }
        passed++;
        if (passed == 60) {
          baseline = remaining;
          sinceBaseline = new TokenRefill(LIMIT, PER, now::get);
          advanceMillis(random.nextInt(5_000)); // the reload between the two readings
        } else if (passed == 61) {
          assertThat(remaining).isBetween(baseline - 1, baseline + sinceBaseline.atMost());
        }
      }
      assertThat(passed).isBetween(LIMIT, (int) (LIMIT + sinceFirst.atMost()));
    }
  }

  private void advanceMillis(long millis) {
    now.addAndGet(millis * 1_000_000);
  }

  /** Envoy's AtomicTokenBucketImpl (token_bucket_impl.cc:61-100): full at creation, continuous refill, capped. */
  private static final class EnvoyBucket {
    private static final double RATE = LIMIT / 60.0;
    private double emptyAt;

    EnvoyBucket(long nanos) {
      emptyAt = seconds(nanos) - LIMIT / RATE;
    }

    boolean consume(long nanos) {
      double tokens = tokens(nanos);
      if (tokens < 1) {
        return false;
      }
      emptyAt = seconds(nanos) - (tokens - 1) / RATE;
      return true;
    }

    long remaining(long nanos) {
      return (long) tokens(nanos);
    }

    private double tokens(long nanos) {
      return Math.min(LIMIT, (seconds(nanos) - emptyAt) * RATE);
    }

    private static double seconds(long nanos) {
      return nanos / 1e9;
    }
  }
}
