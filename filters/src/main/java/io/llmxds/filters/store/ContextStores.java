package io.llmxds.filters.store;

/**
 * Opens every type of store a {@link StoreSpec} describes: {@code memory} (this process's own, bounded),
 * {@code redis} and {@code redis-cluster} (connected and checked now, so a snapshot switches to a store only once it
 * works).
 */
public final class ContextStores implements StoreFactory {

  private final long memoryMaxChars;

  /** @param memoryMaxChars the bound of each {@code memory} store (characters of keys and entries) */
  public ContextStores(long memoryMaxChars) {
    this.memoryMaxChars = memoryMaxChars;
  }

  @Override
  public ContextStore open(StoreSpec spec) throws StoreException {
    return switch (spec.type()) {
      case MEMORY -> new InMemoryContextStore(memoryMaxChars);
      case REDIS, REDIS_CLUSTER -> RedisContextStore.open(spec);
    };
  }
}
