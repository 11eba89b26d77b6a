package io.llmxds.filters.config;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request's hold on a snapshot: while it is held, none of the snapshot's stores is closed. Released once,
 * whichever way the request's stream ends (completed, failed, cancelled); further releases do nothing.
 */
public final class Lease {
  private final DataPathSnapshot snapshot;
  private final Runnable onRelease;
  private final AtomicBoolean released = new AtomicBoolean();

  Lease(DataPathSnapshot snapshot, Runnable onRelease) {
    this.snapshot = snapshot;
    this.onRelease = onRelease;
  }

  public DataPathSnapshot snapshot() {
    return snapshot;
  }

  public void release() {
    if (released.compareAndSet(false, true)) {
      onRelease.run();
    }
  }
}
