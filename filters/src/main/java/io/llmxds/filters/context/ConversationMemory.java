package io.llmxds.filters.context;

import io.llmxds.filters.store.StoreException;
import java.util.List;

/**
 * The stored history of conversations, schema-aware: it reads and writes the record format of the request's policy
 * and migrates v1 records on read when the policy says {@code v1_v2_migration}. Implementations record the
 * {@code context.read}, {@code context.migrate} and {@code context.write} spans as children of the current
 * OpenTelemetry context (the request's trace).
 */
public interface ConversationMemory {

  /** The newest {@code policy.maxTurns()} turns of the session, oldest first; empty for a new session. */
  List<Turn> load(SessionKey session, RequestPolicy policy) throws StoreException;

  /** Appends turns (in order) to the session, keeping only its newest {@code policy.maxTurns()}. */
  void append(SessionKey session, RequestPolicy policy, List<Turn> turns) throws StoreException;
}
