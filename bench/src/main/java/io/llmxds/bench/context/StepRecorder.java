package io.llmxds.bench.context;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The outcomes of the requests of one variant at one rate, recorded from gRPC's threads over one or more slices of
 * time (slices of the variants alternate, so that the machine's noise falls on all of them alike).
 */
final class StepRecorder {
  private final long[] latencies;
  private final long[] startLags;
  private int started;
  private long activeNanos;
  private final AtomicInteger completed = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger historyAdded = new AtomicInteger();
  private final AtomicLong lastEnd = new AtomicLong();
  private final AtomicReference<String> firstFailure = new AtomicReference<>();

  StepRecorder(int requests) {
    latencies = new long[requests];
    startLags = new long[requests];
  }

  /** Called by the scheduling thread just before it opens a stream, {@code lagNanos} behind its schedule. */
  void starting(long lagNanos) {
    startLags[started++] = lagNanos;
    inFlight.incrementAndGet();
  }

  void completed(long latencyNanos, boolean history) {
    latencies[completed.getAndIncrement()] = latencyNanos;
    if (history) {
      historyAdded.incrementAndGet();
    }
    lastEnd.accumulateAndGet(System.nanoTime(), Math::max);
    inFlight.decrementAndGet();
  }

  void failed(String reason) {
    failed.incrementAndGet();
    firstFailure.compareAndSet(null, reason);
    lastEnd.accumulateAndGet(System.nanoTime(), Math::max);
    inFlight.decrementAndGet();
  }

  /** Waits until the slice begun at {@code sliceStart} has no request in flight (at most {@code graceSeconds}). */
  void endSlice(long sliceStart, long graceSeconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(graceSeconds);
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(1); // between slices, off the measured path
    }
    activeNanos += lastEnd.get() - sliceStart;
  }

  /** Requests never answered count as lost. */
  StepResult result(String variant, int rate) {
    int done = completed.get();
    long[] sorted = Arrays.copyOf(latencies, done);
    Arrays.sort(sorted);
    long[] lags = Arrays.copyOf(startLags, started);
    Arrays.sort(lags);
    return new StepResult(variant, rate, done / (activeNanos / 1e9), sorted, failed.get(),
        started - done - failed.get(), historyAdded.get(), percentile(lags, 0.99), firstFailure.get());
  }

  static long percentile(long[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  }
}
