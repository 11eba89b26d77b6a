package io.llmxds.filters.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The embedded store of one ext_proc process: a Caffeine cache bounded by the characters it holds (keys and entries)
 * and by each key's TTL, which every append renews. Appends and creations run inside Caffeine's per-key atomic
 * {@code compute}, so concurrent requests of one session never lose or interleave entries.
 */
public final class InMemoryContextStore implements ContextStore {

  /** 64 Mi characters (about 128 MiB of heap for the strings). */
  public static final long DEFAULT_MAX_CHARS = 64L * 1024 * 1024;

  private final Cache<String, Entries> cache;

  public InMemoryContextStore(long maxChars) {
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(maxChars)
            .weigher((String key, Entries value) -> value.weight(key))
            .expireAfter(new TtlPerWrite())
            .build();
  }

  @Override
  public List<String> tail(String key, int max) {
    Entries entries = cache.getIfPresent(key);
    if (entries == null || max < 1) {
      return List.of();
    }
    List<String> all = entries.items();
    return all.subList(Math.max(0, all.size() - max), all.size());
  }

  @Override
  public void append(String key, List<String> entries, int keep, Duration ttl) {
    if (entries.isEmpty()) {
      return;
    }
    cache.asMap().compute(key, (k, old) -> Entries.of(old == null ? List.of() : old.items(), entries, keep, ttl));
  }

  @Override
  public boolean createIfAbsent(String key, List<String> entries, int keep, Duration ttl) {
    if (entries.isEmpty()) {
      return false;
    }
    return cache.asMap().putIfAbsent(key, Entries.of(List.of(), entries, keep, ttl)) == null;
  }

  /** Runs Caffeine's pending maintenance (evictions) now; tests use it to observe the size bound. */
  void cleanUp() {
    cache.cleanUp();
  }

  /** The characters held, as the size bound counts them. */
  long heldChars() {
    return cache.policy().eviction().orElseThrow().weightedSize().orElseThrow();
  }

  @Override
  public void close() {
    cache.invalidateAll();
  }

  /** One key's list (immutable: a compute replaces it whole) and the TTL its last write set. */
  private record Entries(List<String> items, Duration ttl) {

    static Entries of(List<String> old, List<String> added, int keep, Duration ttl) {
      if (keep < 1) {
        throw new IllegalArgumentException("keep must be at least 1, was " + keep);
      }
      List<String> all = new ArrayList<>(old.size() + added.size());
      all.addAll(old);
      all.addAll(added);
      return new Entries(List.copyOf(all.subList(Math.max(0, all.size() - keep), all.size())), ttl);
    }

    int weight(String key) {
      long chars = key.length();
      for (String item : items) {
        chars += item.length();
      }
      return (int) Math.min(Integer.MAX_VALUE, chars);
    }
  }

  /** Each write (create or append) sets the key's TTL anew; reads leave it alone. */
  private static final class TtlPerWrite implements Expiry<String, Entries> {
    @Override
    public long expireAfterCreate(String key, Entries value, long currentTime) {
      return value.ttl().toNanos();
    }

    @Override
    public long expireAfterUpdate(String key, Entries value, long currentTime, long currentDuration) {
      return value.ttl().toNanos();
    }

    @Override
    public long expireAfterRead(String key, Entries value, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}
