package io.llmxds.cp.source;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Collapses a burst of signals into one action: the action runs once the signals have been quiet for
 * {@code quiet}, or at the latest {@code maxDelay} after the first signal of the burst (so an editor that saves
 * continuously still gets its change applied).
 */
final class Debouncer {
  private final ScheduledExecutorService scheduler;
  private final Runnable action;
  private final long quietNanos;
  private final long maxDelayNanos;

  private ScheduledFuture<?> pending;
  private long burstStart;

  Debouncer(ScheduledExecutorService scheduler, Duration quiet, Duration maxDelay, Runnable action) {
    this.scheduler = scheduler;
    this.action = action;
    this.quietNanos = quiet.toNanos();
    this.maxDelayNanos = maxDelay.toNanos();
  }

  synchronized void signal() {
    long now = System.nanoTime();
    if (pending == null) {
      burstStart = now;
    } else {
      pending.cancel(false);
    }
    long delay = Math.min(quietNanos, Math.max(0, burstStart + maxDelayNanos - now));
    pending = scheduler.schedule(this::fire, delay, TimeUnit.NANOSECONDS);
  }

  private void fire() {
    synchronized (this) {
      pending = null;
    }
    action.run();
  }
}
