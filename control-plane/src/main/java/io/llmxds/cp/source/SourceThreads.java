package io.llmxds.cp.source;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The one thread each source runs its reloads on, so reloads of one source never overlap. */
final class SourceThreads {
  private SourceThreads() {}

  static ScheduledExecutorService single(String name) {
    return Executors.newSingleThreadScheduledExecutor(r -> daemon(r, name));
  }

  static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Stops it, letting a reload in progress finish for a few seconds. */
  static void stop(ScheduledExecutorService scheduler) {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
