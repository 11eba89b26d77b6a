package io.llmxds.filters.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The memory store's size bound (the contract tests cover the rest). */
class InMemoryContextStoreTest {

  private static final Duration HOUR = Duration.ofHours(1);

  @Test
  void exceedingTheCharacterBoundEvicts() throws StoreException {
    try (InMemoryContextStore store = new InMemoryContextStore(1_000)) {
      String entry = "x".repeat(100);
      for (int i = 0; i < 50; i++) {
        store.append("key-" + i, List.of(entry), 10, HOUR);
      }

      store.cleanUp();

      assertThat(store.heldChars()).isLessThanOrEqualTo(1_000);
      long kept = IntStream.range(0, 50).filter(i -> !tailOf(store, "key-" + i).isEmpty()).count();
      assertThat(kept).isBetween(1L, 9L);
    }
  }

  @Test
  void aRecordLargerThanTheBoundIsNotKept() throws StoreException {
    try (InMemoryContextStore store = new InMemoryContextStore(1_000)) {
      store.append("big", List.of("x".repeat(2_000)), 10, HOUR);

      store.cleanUp();

      assertThat(store.tail("big", 10)).isEmpty();
      assertThat(store.heldChars()).isZero();
    }
  }

  private static List<String> tailOf(ContextStore store, String key) {
    try {
      return store.tail(key, 10);
    } catch (StoreException e) {
      throw new IllegalStateException(e);
    }
  }
}
