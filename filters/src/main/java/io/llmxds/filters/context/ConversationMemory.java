package io.llmxds.filters.context;

import io.llmxds.filters.store.ContextStore;
import io.llmxds.filters.store.StoreException;
import java.util.List;
import java.util.Map;

/**
 * The stored history of conversations, schema-aware: it reads and writes the record format of the request's policy
 * and migrates old records on read when the policy has a {@link RequestPolicy#migrateFrom()}. {@code stores} are the
 * stores of the snapshot the request holds, by the names policies use. Implementations record the
 * {@code context.read}, {@code context.migrate} and {@code context.write} spans as children of the current
 * OpenTelemetry context (the request's trace).
 */
public interface ConversationMemory {

  /** The newest {@code policy.maxTurns()} turns of the session, oldest first; empty for a new session. */
  List<Turn> load(SessionKey session, RequestPolicy policy, Map<String, ContextStore> stores) throws StoreException;

  /** Appends turns (in order) to the session in the policy's store, keeping only its newest {@code maxTurns}. */
  void append(SessionKey session, RequestPolicy policy, Map<String, ContextStore> stores, List<Turn> turns)
      throws StoreException;
}
