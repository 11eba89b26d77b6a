package io.llmxds.filters.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.llmxds.filters.testing.EachStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/** What every {@link ContextStore} guarantees, run against the memory store and a real redis-server alike. */
class ContextStoreContractTest {

  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration SHORT = Duration.ofMillis(200);

  private static String freshKey() {
    return "test:contract:" + UUID.randomUUID();
  }

  @EachStore
  void aMissingKeyHasNoEntries(ContextStore store) throws StoreException {
    assertThat(store.tail(freshKey(), 10)).isEmpty();
  }

  @EachStore
  void appendsKeepOrderAndTailReturnsTheNewestOldestFirst(ContextStore store) throws StoreException {
    String key = freshKey();
    store.append(key, List.of("a", "b"), 10, HOUR);
    store.append(key, List.of("c"), 10, HOUR);

    assertThat(store.tail(key, 10)).containsExactly("a", "b", "c");
    assertThat(store.tail(key, 2)).containsExactly("b", "c");
  }

  @EachStore
  void aTailOfNothingIsEmptyAndKeepingNothingIsRefused(ContextStore store) throws StoreException {
    String key = freshKey();
    store.append(key, List.of("a"), 10, HOUR);

    assertThat(store.tail(key, 0)).isEmpty();
    assertThatThrownBy(() -> store.append(key, List.of("b"), 0, HOUR)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.createIfAbsent(freshKey(), List.of("b"), 0, HOUR))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.tail(key, 10)).containsExactly("a");
  }

  @EachStore
  void appendKeepsOnlyTheNewestEntries(ContextStore store) throws StoreException {
    String key = freshKey();
    store.append(key, List.of("1", "2", "3"), 4, HOUR);
    store.append(key, List.of("4", "5", "6"), 4, HOUR);

    assertThat(store.tail(key, 100)).containsExactly("3", "4", "5", "6");
  }

  @EachStore
  void appendingNothingCreatesNothing(ContextStore store) throws StoreException {
    String key = freshKey();
    store.append(key, List.of(), 4, HOUR);

    assertThat(store.createIfAbsent(key, List.of("a"), 4, HOUR)).isTrue();
  }

  @EachStore
  void anEntryExpiresAfterItsTtlAndEveryAppendSetsTheTtlAnew(ContextStore store) throws StoreException {
    String expiring = freshKey();
    String renewed = freshKey();
    store.append(expiring, List.of("a"), 10, SHORT);
    store.append(renewed, List.of("a"), 10, SHORT);
    store.append(renewed, List.of("b"), 10, HOUR);

    await().atMost(Duration.ofSeconds(5)).until(() -> store.tail(expiring, 10).isEmpty());
    assertThat(store.tail(renewed, 10)).containsExactly("a", "b");
  }

  @EachStore
  void aShorterTtlOnAppendReplacesALongerOne(ContextStore store) throws StoreException {
    String key = freshKey();
    store.append(key, List.of("a"), 10, HOUR);
    store.append(key, List.of("b"), 10, SHORT);

    await().atMost(Duration.ofSeconds(5)).until(() -> store.tail(key, 10).isEmpty());
  }

  @EachStore
  void createIfAbsentWritesOnlyWhenTheKeyDoesNotExist(ContextStore store) throws StoreException {
    String key = freshKey();

    assertThat(store.createIfAbsent(key, List.of("1", "2", "3"), 2, HOUR)).isTrue();
    assertThat(store.createIfAbsent(key, List.of("x"), 2, HOUR)).isFalse();
    assertThat(store.tail(key, 10)).containsExactly("2", "3");
  }

  @EachStore
  void createIfAbsentSetsTheTtl(ContextStore store) throws StoreException {
    String key = freshKey();
    assertThat(store.createIfAbsent(key, List.of("a"), 10, SHORT)).isTrue();

    await().atMost(Duration.ofSeconds(5)).until(() -> store.tail(key, 10).isEmpty());
    assertThat(store.createIfAbsent(key, List.of("b"), 10, HOUR)).isTrue();
  }

  @EachStore
  void createIfAbsentOfNothingCreatesNothing(ContextStore store) throws StoreException {
    String key = freshKey();

    assertThat(store.createIfAbsent(key, List.of(), 10, HOUR)).isFalse();
    assertThat(store.tail(key, 10)).isEmpty();
  }

  @EachStore
  void concurrentAppendsToOneKeyLoseNothingAndKeepEachWritersOrder(ContextStore store) throws Exception {
    String key = freshKey();
    int writers = 8;
    int perWriter = 25;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        done.add(pool.submit(() -> {
          for (int i = 0; i < perWriter; i++) {
            store.append(key, List.of(writer + ":" + i), 1000, HOUR);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }

    List<String> entries = store.tail(key, 1000);
    assertThat(entries).hasSize(writers * perWriter);
    for (int w = 0; w < writers; w++) {
      String prefix = w + ":";
      assertThat(entries.stream().filter(e -> e.startsWith(prefix)))
          .containsExactlyElementsOf(IntStream.range(0, perWriter).mapToObj(i -> prefix + i).toList());
    }
  }
}
