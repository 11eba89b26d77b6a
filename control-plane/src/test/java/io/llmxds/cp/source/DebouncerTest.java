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
    Debouncer d = new Debouncer(scheduler, Duration.ofMillis(300), Duration.ofMillis(300), Duration.ofSeconds(5),
        runs::incrementAndGet);
    for (int i = 0; i < 50; i++) {
      d.signal();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> runs.get() == 1);
  }

  @Test
  void endlessSignalsStillRunTheActionByTheMaximumDelay() {
    Debouncer d = new Debouncer(scheduler, Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofMillis(400),
        runs::incrementAndGet);
    ScheduledExecutorService editor = Executors.newSingleThreadScheduledExecutor();
    try {
      // An editor saving every 20 ms, well inside the quiet period, for as long as the test runs.
      editor.scheduleAtFixedRate(d::signal, 0, 20, TimeUnit.MILLISECONDS);
      await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 1);
    } finally {
      editor.shutdownNow();
    }
  }

  @Test
  void aLoneSignalAfterAnIdlePeriodWaitsOnlyTheSettle() {
    Debouncer d = new Debouncer(scheduler, Duration.ofMillis(50), Duration.ofSeconds(30), Duration.ofSeconds(60),
        runs::incrementAndGet);
    d.signal();
    // the quiet period is 30 s: the action can only run within 10 s through the settle
    await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 1);
  }

  @Test
  void aSecondSignalWithinTheSettleMakesItABurstTimedByTheQuietPeriod() {
    Debouncer d = new Debouncer(scheduler, Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(30),
        runs::incrementAndGet);
    d.signal();
    d.signal();
    await().during(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(2)).until(() -> runs.get() == 0);
    await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 1);
  }

  @Test
  void aSignalSoonAfterTheActionWaitsTheQuietPeriod() {
    Debouncer d = new Debouncer(scheduler, Duration.ofMillis(10), Duration.ofSeconds(3), Duration.ofSeconds(30),
        runs::incrementAndGet);
    d.signal();
    await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 1);
    d.signal(); // the tail of the same save: not idle yet, so coalesced like a burst
    await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> runs.get() == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 2);
  }

  @Test
  void aSettleLongerThanTheQuietPeriodIsRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Debouncer(scheduler, Duration.ofSeconds(1),
        Duration.ofMillis(10), Duration.ofSeconds(1), runs::incrementAndGet))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
