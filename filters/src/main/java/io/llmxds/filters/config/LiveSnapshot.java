package io.llmxds.filters.config;

import io.llmxds.filters.auth.Consumers;
import io.llmxds.filters.store.ContextStore;
import io.llmxds.filters.store.StoreException;
import io.llmxds.filters.store.StoreFactory;
import io.llmxds.filters.store.StoreSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot requests get, switched atomically, and the stores the snapshots share. A snapshot is held while it
 * is current and while any request holds it; a store is open while any held snapshot has it, and closed (on
 * {@code closer}) when the last one lets go. So a switch never fails a request: a request that began before it
 * finishes on the stores it began with.
 */
public final class LiveSnapshot implements SnapshotLeases, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LiveSnapshot.class);

  private final StoreFactory factory;
  private final Executor closer;
  private final AtomicReference<Held> current = new AtomicReference<>();
  private final Set<Held> held = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private LiveSnapshot(StoreFactory factory, Executor closer) {
    this.factory = factory;
    this.closer = closer;
  }

  /**
   * Starts on the built-in default, its {@code memory} store opened by {@code factory}.
   *
   * @param maxBodyBytes the body limit until a config sets one
   * @param closer where stores are closed (never on a request's thread)
   */
  public static LiveSnapshot startingWithBuiltInDefault(StoreFactory factory, long maxBodyBytes, Executor closer)
      throws StoreException {
    LiveSnapshot live = new LiveSnapshot(factory, closer);
    SharedStore memory = new SharedStore(BuiltInDefault.memorySpec(), factory.open(BuiltInDefault.memorySpec()));
    live.install(new Held(BuiltInDefault.snapshot(maxBodyBytes, memory.store), List.of(memory)));
    return live;
  }

  @Override
  public Lease acquire() {
    while (true) {
      Held snapshot = current.get();
      if (snapshot.tryHold()) {
        return new Lease(snapshot.snapshot, () -> release(snapshot));
      }
      // It was replaced and let go between the read and the hold: the next read finds its successor.
      if (closed) {
        throw new IllegalStateException("the data-path snapshots are closed");
      }
    }
  }

  /** The snapshot new requests get now. */
  public DataPathSnapshot current() {
    return current.get().snapshot;
  }

  /** How many snapshots are held: the current one and those requests still run under. */
  public int heldSnapshots() {
    return held.size();
  }

  /**
   * Opens the stores of {@code config} that the current snapshot does not run with the same spec (reusing the
   * others), then makes it current. Called by one applier at a time.
   *
   * @throws StoreException naming every store that could not be opened; nothing is switched then
   */
  void switchTo(AssembledConfig config) throws StoreException {
    checkCounterStores(config);
    Held before = current.get();
    Map<StoreSpec, SharedStore> running = new HashMap<>();
    before.stores.forEach(store -> running.put(store.spec, store));
    Map<String, SharedStore> stores = new LinkedHashMap<>();
    List<SharedStore> opened = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    // In name order: the same config fails with the same message everywhere.
    for (StoreSpec spec : new TreeMap<>(config.stores()).values()) {
      SharedStore same = running.get(spec);
      if (same != null) {
        stores.put(spec.name(), same);
        continue;
      }
      try {
        SharedStore store = new SharedStore(spec, factory.open(spec));
        opened.add(store);
        stores.put(spec.name(), store);
      } catch (StoreException | RuntimeException e) {
        failures.add(e instanceof StoreException ? e.getMessage() : spec.label() + ": " + e);
      }
    }
    if (!failures.isEmpty()) {
      opened.forEach(SharedStore::release);
      throw new StoreException(String.join("; ", failures));
    }
    stores.values().stream().filter(store -> !opened.contains(store)).forEach(SharedStore::retain);
    Map<String, ContextStore> byName = new LinkedHashMap<>();
    stores.forEach((name, store) -> byName.put(name, store.store));
    ModelTable table = config.table();
    install(new Held(new DataPathSnapshot(table.configVersion(), table.maxBodyBytes(), table.routes(), byName,
        config.consumers().map(Consumers::new), table.limits()), List.copyOf(stores.values())));
    release(before);
  }

  /** A limit's counters must be shared by every replica: a memory store is this process's alone. */
  private static void checkCounterStores(AssembledConfig config) throws StoreException {
    List<String> local = new ArrayList<>();
    new TreeMap<>(config.table().limits()).values().forEach(limit -> {
      StoreSpec spec = config.stores().get(limit.store());
      if (spec != null && spec.type() == StoreSpec.Type.MEMORY) {
        local.add("rate limit " + limit.name() + ": its store " + limit.store()
            + " is a memory store; global limits count in a redis or redis-cluster store");
      }
    });
    if (!local.isEmpty()) {
      throw new StoreException(String.join("; ", local));
    }
  }

  private void install(Held next) {
    held.add(next);
    current.set(next);
  }

  private void release(Held snapshot) {
    if (snapshot.letGo()) {
      held.remove(snapshot);
      Runnable closeUnused = () -> snapshot.stores.forEach(SharedStore::release);
      try {
        closer.execute(closeUnused);
      } catch (RejectedExecutionException shuttingDown) {
        closeUnused.run();
      }
    }
  }

  /** Lets go of the current snapshot: its stores close once the requests still holding it end. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      release(current.get());
    }
  }

  /** A snapshot, held once for being current and once per request running under it. */
  private static final class Held {
    final DataPathSnapshot snapshot;
    final List<SharedStore> stores;
    private final AtomicInteger holds = new AtomicInteger(1);

    Held(DataPathSnapshot snapshot, List<SharedStore> stores) {
      this.snapshot = snapshot;
      this.stores = stores;
    }

    /** False once nothing holds it: a let-go snapshot is never held again. */
    boolean tryHold() {
      for (int n = holds.get(); n > 0; n = holds.get()) {
        if (holds.compareAndSet(n, n + 1)) {
          return true;
        }
      }
      return false;
    }

    /** True when this was the last hold. */
    boolean letGo() {
      return holds.decrementAndGet() == 0;
    }
  }

  /** A store, held once per held snapshot that has it. */
  private static final class SharedStore {
    final StoreSpec spec;
    final ContextStore store;
    private final AtomicInteger holders = new AtomicInteger(1);

    SharedStore(StoreSpec spec, ContextStore store) {
      this.spec = spec;
      this.store = store;
    }

    void retain() {
      holders.incrementAndGet();
    }

    void release() {
      if (holders.decrementAndGet() == 0) {
        try {
          store.close();
          log.info("closed {}: no snapshot in use has it", spec.label());
        } catch (RuntimeException e) {
          log.warn("closing {} failed: {}", spec.label(), e.toString());
        }
      }
    }
  }
}
