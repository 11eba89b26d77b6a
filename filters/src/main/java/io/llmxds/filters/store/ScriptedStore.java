package io.llmxds.filters.store;

import java.util.List;

/** A store that runs Lua scripts atomically on keys of one slot: what global rate limits count in. */
public interface ScriptedStore {

  /**
   * Runs {@code script} on {@code keys} (all in one Redis Cluster slot: one hash tag) and returns its array of
   * integers; {@code EVALSHA} first, {@code EVAL} when the server does not have the script (a restarted Redis, a new
   * master). Fails after the store's command timeout, or at once while the store is unreachable.
   *
   * @throws StoreException naming the store and the cause ({@code <label>: count failed: <cause>})
   */
  List<Long> run(LuaScript script, List<String> keys, List<String> args) throws StoreException;
}
