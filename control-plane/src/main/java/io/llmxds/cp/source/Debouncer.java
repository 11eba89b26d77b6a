package io.llmxds.cp.source;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Collapses a burst of signals into one action: the action runs once the signals have been quiet for
 * {@code quiet}, or at the latest {@code maxDelay} after the first signal of the burst (so an editor that saves
 * continuously still gets its change applied).
 *
 * <p>A lone save should not wait the whole quiet period: the first signal after an idle {@code quiet} runs the action
 * after only {@code settle}, long enough for the events of one save (write, rename, a ConfigMap's symlink swap) to
 * arrive together. A second signal within the settle turns it into a burst, timed by {@code quiet} as before. The
 * cost: a save spread over more than {@code settle} may be read half-written once — a rejected reload, the last good
 * config serving — and is read whole by the reload its next event triggers.
 */
final class Debouncer {
  private final ScheduledExecutorService scheduler;
  private final Runnable action;
  private final long settleNanos;
  private final long quietNanos;
  private final long maxDelayNanos;

  private ScheduledFuture<?> pending;
  private long burstStart;
  private long lastSignal;
  private boolean signalledBefore;

  /** @param settle at most {@code quiet}: how long a signal after an idle period waits for its companions */
  Debouncer(ScheduledExecutorService scheduler, Duration settle, Duration quiet, Duration maxDelay, Runnable action) {
    if (settle.compareTo(quiet) > 0) {
      throw new IllegalArgumentException("settle " + settle + " exceeds the quiet period " + quiet);
    }
    this.scheduler = scheduler;
    this.action = action;
    this.settleNanos = settle.toNanos();
    this.quietNanos = quiet.toNanos();
    this.maxDelayNanos = maxDelay.toNanos();
  }

  synchronized void signal() {
    long now = System.nanoTime();
    boolean idle = !signalledBefore || now - lastSignal >= quietNanos;
    signalledBefore = true;
    lastSignal = now;
    long delay;
    if (pending == null) {
      burstStart = now;
      delay = idle ? settleNanos : quietNanos;
    } else {
      pending.cancel(false);
      delay = quietNanos;
    }
    delay = Math.min(delay, Math.max(0, burstStart + maxDelayNanos - now));
    pending = scheduler.schedule(this::fire, delay, TimeUnit.NANOSECONDS);
  }

  private void fire() {
    synchronized (this) {
      pending = null;
    }
    action.run();
  }
}
