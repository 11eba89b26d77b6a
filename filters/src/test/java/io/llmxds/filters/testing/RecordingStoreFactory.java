package io.llmxds.filters.testing;

import io.llmxds.filters.store.ContextStore;
import io.llmxds.filters.store.ContextStores;
import io.llmxds.filters.store.InMemoryContextStore;
import io.llmxds.filters.store.StoreException;
import io.llmxds.filters.store.StoreFactory;
import io.llmxds.filters.store.StoreSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The stores a test's service opens (by {@link ContextStores}), each
 * wrapped so the test sees which were opened, how often each was written, and whether it was closed.
 */
public final class RecordingStoreFactory implements StoreFactory {
  private final StoreFactory opener = new ContextStores(InMemoryContextStore.DEFAULT_MAX_CHARS);
  private final List<RecordingStore> opened = new CopyOnWriteArrayList<>();

  @Override
  public ContextStore open(StoreSpec spec) throws StoreException {
    RecordingStore store = new RecordingStore(spec, opener.open(spec));
    opened.add(store);
    return store;
  }

  /** Every store opened, in order. */
  public List<RecordingStore> opened() {
    return List.copyOf(opened);
  }

  /** The store last opened under {@code name}. */
  public RecordingStore latest(String name) {
    return opened.stream().filter(s -> s.spec().name().equals(name)).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no store named " + name + " was opened"));
  }

  /** A store as the service uses it, counting its writes and any use after its close. */
  public static final class RecordingStore implements ContextStore {
    private final StoreSpec spec;
    private final ContextStore delegate;
    private final AtomicInteger writes = new AtomicInteger();
    private final AtomicInteger usedAfterClose = new AtomicInteger();
    private volatile boolean closed;

    RecordingStore(StoreSpec spec, ContextStore delegate) {
      this.spec = spec;
      this.delegate = delegate;
    }

    public StoreSpec spec() {
      return spec;
    }

    public int writes() {
      return writes.get();
    }

    public boolean closed() {
      return closed;
    }

    /** Reads and writes that came after {@link #close()}: a request that ran on a store closed under it. */
    public int usedAfterClose() {
      return usedAfterClose.get();
    }

    @Override
    public List<String> tail(String key, int max) throws StoreException {
      used();
      return delegate.tail(key, max);
    }

    @Override
    public void append(String key, List<String> entries, int keep, Duration ttl) throws StoreException {
      used();
      writes.incrementAndGet();
      delegate.append(key, entries, keep, ttl);
    }

    @Override
    public boolean createIfAbsent(String key, List<String> entries, int keep, Duration ttl) throws StoreException {
      used();
      writes.incrementAndGet();
      return delegate.createIfAbsent(key, entries, keep, ttl);
    }

    private void used() {
      if (closed) {
        usedAfterClose.incrementAndGet();
      }
    }

    @Override
    public void close() {
      closed = true;
      delegate.close();
    }
  }
}
