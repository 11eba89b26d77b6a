package io.llmxds.cp.source;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DebouncerTest {
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final AtomicInteger runs = new AtomicInteger();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  @Test
  void signalsWithinTheQuietPeriodRunTheActionOnce() {
    Debouncer d = new Debouncer(scheduler, Duration.ofMillis(300), Duration.ofSeconds(5), runs::incrementAndGet);
    for (int i = 0; i < 50; i++) {
      d.signal();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> runs.get() == 1);
  }

  @Test
  void endlessSignalsStillRunTheActionByTheMaximumDelay() {
    Debouncer d = new Debouncer(scheduler, Duration.ofMillis(200), Duration.ofMillis(400), runs::incrementAndGet);
    ScheduledExecutorService editor = Executors.newSingleThreadScheduledExecutor();
    try {
      // An editor saving every 20 ms, well inside the quiet period, for as long as the test runs.
      editor.scheduleAtFixedRate(d::signal, 0, 20, TimeUnit.MILLISECONDS);
      await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 1);
    } finally {
      editor.shutdownNow();
    }
  }
}
