package io.llmxds.filters.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmxds.filters.context.RequestPolicy;
import io.llmxds.filters.store.StoreException;
import io.llmxds.filters.store.StoreFactory;
import io.llmxds.filters.store.StoreSpec;
import io.llmxds.filters.testing.RecordingStoreFactory;
import io.llmxds.filters.testing.RecordingStoreFactory.RecordingStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Switching snapshots, and the leases that keep a snapshot's stores open while a request runs under it. */
class LiveSnapshotTest {
  private final RecordingStoreFactory stores = new RecordingStoreFactory();

  /** A config whose one route writes to the memory store {@code store}; {@code others} are served too. */
  private static AssembledConfig config(String version, String store, String... others) {
    Map<String, StoreSpec> specs = new LinkedHashMap<>();
    specs.put(store, BuiltInDefault.memorySpec(store));
    for (String other : others) {
      specs.put(other, BuiltInDefault.memorySpec(other));
    }
    RequestPolicy policy = new RequestPolicy("c1", "chat", "p", "v", RequestPolicy.Schema.V1, 20, 32000, store,
        Optional.empty(), RequestPolicy.FailureMode.OPEN, "x-session-id", "");
    return new AssembledConfig(specs, new ModelTable(version, 1024, List.of(
        new TableRoute("chat", ModelMatcher.exact("m"), Optional.of(policy)))), Optional.empty());
  }

  private LiveSnapshot start(StoreFactory factory) throws StoreException {
    return LiveSnapshot.startingWithBuiltInDefault(factory, 4096, Runnable::run);
  }

  @Test
  void aSwitchOpensOnlyTheStoresWhoseSpecIsNewAndKeepsTheOthers() throws Exception {
    try (LiveSnapshot live = start(stores)) {
      RecordingStore memory = stores.latest("memory");

      live.switchTo(config("1", "memory", "b"));

      assertThat(stores.opened()).extracting(s -> s.spec().name()).containsExactly("memory", "b");
      assertThat(live.current().stores()).containsEntry("memory", memory).containsEntry("b", stores.latest("b"));
      assertThat(live.current().config()).isEqualTo("1");
      assertThat(live.current().maxBodyBytes()).isEqualTo(1024);
      assertThat(memory.closed()).isFalse();
      assertThat(live.heldSnapshots()).isEqualTo(1);
    }
  }

  @Test
  void aStoreIsClosedWhenTheLastLeaseOfEverySnapshotHoldingItIsReleased() throws Exception {
    try (LiveSnapshot live = start(stores)) {
      RecordingStore memory = stores.latest("memory");
      Lease onBuiltIn = live.acquire();
      live.switchTo(config("1", "b"));
      RecordingStore b = stores.latest("b");
      Lease onB = live.acquire();
      live.switchTo(config("2", "c"));

      assertThat(live.heldSnapshots()).isEqualTo(3);
      assertThat(onBuiltIn.snapshot().stores()).containsEntry("memory", memory);
      assertThat(memory.closed()).as("a request still runs on it").isFalse();
      onBuiltIn.release();
      onBuiltIn.release();
      assertThat(memory.closed()).isTrue();
      assertThat(b.closed()).isFalse();
      onB.release();
      assertThat(b.closed()).isTrue();
      assertThat(stores.latest("c").closed()).isFalse();
      assertThat(live.heldSnapshots()).isEqualTo(1);
    }
    assertThat(stores.latest("c").closed()).as("closing lets go of the current one").isTrue();
  }

  @Test
  void aStoreInTheOldAndTheNewSnapshotStaysOpenWhenTheOldIsLetGo() throws Exception {
    try (LiveSnapshot live = start(stores)) {
      live.switchTo(config("1", "b"));
      RecordingStore b = stores.latest("b");
      Lease onFirst = live.acquire();
      live.switchTo(config("2", "c", "b"));
      onFirst.release();

      assertThat(b.closed()).isFalse();
      assertThat(live.current().stores()).containsEntry("b", b);
    }
  }

  @Test
  void whenAStoreCannotBeOpenedNothingIsSwitchedAndWhatWasOpenedForItIsClosed() throws Exception {
    StoreFactory refusing = spec -> {
      if (spec.name().startsWith("bad")) {
        throw new StoreException(spec.label() + ": refused");
      }
      return stores.open(spec);
    };
    try (LiveSnapshot live = start(refusing)) {
      DataPathSnapshot before = live.current();

      assertThatThrownBy(() -> live.switchTo(config("1", "good", "bad-1", "bad-2")))
          .isInstanceOf(StoreException.class)
          .hasMessage("ContextStore/bad-1: memory: refused; ContextStore/bad-2: memory: refused");
      assertThat(live.current()).isSameAs(before);
      assertThat(stores.latest("good").closed()).isTrue();
      assertThat(stores.latest("memory").closed()).isFalse();
    }
  }

  /** Requests start while snapshots switch: each gets one whose stores stay open until it lets go. */
  @Test
  void leasesTakenDuringSwitchesNeverSeeAClosedStore() throws Exception {
    ExecutorService requests = Executors.newFixedThreadPool(4);
    AtomicBoolean switching = new AtomicBoolean(true);
    AtomicInteger leases = new AtomicInteger();
    try (LiveSnapshot live = start(stores)) {
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        running.add(requests.submit(() -> {
          while (switching.get()) {
            Lease lease = live.acquire();
            lease.snapshot().stores().values().forEach(store ->
                assertThat(((RecordingStore) store).closed()).as("a held store").isFalse());
            leases.incrementAndGet();
            lease.release();
          }
          return null;
        }));
      }
      for (int i = 0; i < 300; i++) {
        live.switchTo(config(Integer.toString(i), "s" + i));
      }
      switching.set(false);
      for (Future<?> f : running) {
        f.get(10, TimeUnit.SECONDS);
      }
      assertThat(leases.get()).isPositive();
      assertThat(live.heldSnapshots()).isEqualTo(1);
      assertThat(stores.opened().stream().filter(RecordingStore::closed)).hasSize(300);
      assertThat(stores.opened()).allSatisfy(s -> assertThat(s.usedAfterClose()).isZero());
    } finally {
      requests.shutdownNow();
    }
  }
}
