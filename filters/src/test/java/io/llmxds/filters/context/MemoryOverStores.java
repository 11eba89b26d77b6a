package io.llmxds.filters.context;

import io.llmxds.filters.store.ContextStore;
import io.llmxds.filters.store.StoreException;
import java.util.List;
import java.util.Map;

/** A conversation memory with the stores of one snapshot at hand, as a request uses it. */
record MemoryOverStores(ConversationMemory memory, Map<String, ContextStore> stores) {

  List<Turn> load(SessionKey session, RequestPolicy policy) throws StoreException {
    return memory.load(session, policy, stores);
  }

  void append(SessionKey session, RequestPolicy policy, List<Turn> turns) throws StoreException {
    memory.append(session, policy, stores, turns);
  }
}
