package io.llmxds.common;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C / SIGTERM for a server's main thread. The JVM waits for shutdown hooks, not for the main thread, so the hook
 * waits (at most {@code grace}) until the main thread says it has closed its servers:
 *
 * <pre>{@code
 * ShutdownSignal signal = ShutdownSignal.install(Duration.ofSeconds(10));
 * try (Server s = start()) { signal.await(); } finally { signal.done(); }
 * }</pre>
 */
public final class ShutdownSignal {
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);

  private ShutdownSignal() {}

  public static ShutdownSignal install(Duration grace) {
    ShutdownSignal signal = new ShutdownSignal();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      signal.stopping.countDown();
      try {
        signal.stopped.await(grace.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "shutdown"));
    return signal;
  }

  /** Blocks until the process is asked to stop. */
  public void await() throws InterruptedException {
    stopping.await();
  }

  /** The servers are closed: the process may exit. */
  public void done() {
    stopped.countDown();
  }
}
