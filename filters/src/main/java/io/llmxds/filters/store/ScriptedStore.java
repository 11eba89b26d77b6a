package io.llmxds.filters.store;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A store that runs Lua scripts atomically on keys of one slot: what global rate limits count in. */
public interface ScriptedStore {

  /**
   * Runs {@code script} on {@code keys} (all in one Redis Cluster slot: one hash tag); the future completes with its
   * array of integers. {@code EVALSHA} first, {@code EVAL} when the server does not have the script (a restarted
   * Redis, a new master). No thread waits for the answer: the future completes on the store's I/O threads, so what
   * the caller chains onto it must not block. It fails after the store's command timeout, or at once while the store
   * is unreachable, with a {@link StoreException} naming the store and the cause
   * ({@code <label>: count failed: <cause>}).
   */
  CompletableFuture<List<Long>> run(LuaScript script, List<String> keys, List<String> args);
}
