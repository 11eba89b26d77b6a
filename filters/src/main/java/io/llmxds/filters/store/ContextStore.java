package io.llmxds.filters.store;

import java.time.Duration;
import java.util.List;

/**
 * Append-only lists of encoded entries by key: the storage primitive under conversation memory. Appends are atomic
 * per key, so concurrent requests of one session never lose or interleave each other's entries.
 */
public interface ContextStore extends AutoCloseable {

  /** The newest {@code max} entries at {@code key}, oldest first; empty when the key does not exist. */
  List<String> tail(String key, int max) throws StoreException;

  /** Appends {@code entries} in order, then keeps only the newest {@code keep} and sets the key's TTL. */
  void append(String key, List<String> entries, int keep, Duration ttl) throws StoreException;

  /**
   * Creates the list with {@code entries} only if {@code key} does not exist (a migration that two requests run at
   * once writes once); returns whether it wrote.
   */
  boolean createIfAbsent(String key, List<String> entries, int keep, Duration ttl) throws StoreException;

  @Override
  void close();
}
