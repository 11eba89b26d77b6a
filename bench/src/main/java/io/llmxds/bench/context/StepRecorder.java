package io.llmxds.bench.context;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** The outcomes of the requests of one step (one variant at one rate), recorded from gRPC's threads. */
final class StepRecorder {
  private final long[] latencies;
  private final AtomicInteger completed = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger historyAdded = new AtomicInteger();
  private final AtomicLong lastEnd = new AtomicLong();
  private final AtomicReference<String> firstFailure = new AtomicReference<>();
  private final CountDownLatch outstanding;

  StepRecorder(int requests) {
    latencies = new long[requests];
    outstanding = new CountDownLatch(requests);
  }

  void completed(long latencyNanos, boolean history) {
    latencies[completed.getAndIncrement()] = latencyNanos;
    if (history) {
      historyAdded.incrementAndGet();
    }
    lastEnd.accumulateAndGet(System.nanoTime(), Math::max);
    outstanding.countDown();
  }

  void failed(String reason) {
    failed.incrementAndGet();
    firstFailure.compareAndSet(null, reason);
    outstanding.countDown();
  }

  /** Waits for the requests still in flight; those that never end count as lost. */
  StepResult finish(String variant, int rate, long startNanos, long[] startLagNanos, long graceSeconds)
      throws InterruptedException {
    outstanding.await(graceSeconds, TimeUnit.SECONDS);
    int done = completed.get();
    long[] sorted = Arrays.copyOf(latencies, done);
    Arrays.sort(sorted);
    long[] lags = startLagNanos.clone();
    Arrays.sort(lags);
    double seconds = (lastEnd.get() - startNanos) / 1e9;
    return new StepResult(variant, rate, done / seconds, sorted, failed.get(),
        latencies.length - done - failed.get(), historyAdded.get(), percentile(lags, 0.99), firstFailure.get());
  }

  static long percentile(long[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  }
}
