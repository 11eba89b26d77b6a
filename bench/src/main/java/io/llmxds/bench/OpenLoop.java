package io.llmxds.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** A fixed-rate schedule of request starts (open loop: a slow answer never delays the next start). */
public final class OpenLoop {
  private final long interval;
  private final long start;

  /** Starts 10 ms from now, {@code rate} slots a second. */
  public OpenLoop(int rate) {
    this.interval = TimeUnit.SECONDS.toNanos(1) / rate;
    this.start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
  }

  /** When the schedule began (its first slot). */
  public long start() {
    return start;
  }

  /** Waits for slot {@code i}; returns how late the caller is for it (nanoseconds). */
  public long awaitSlot(int i) {
    long due = start + i * interval;
    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
      LockSupport.parkNanos(wait);
    }
    return System.nanoTime() - due;
  }
}
