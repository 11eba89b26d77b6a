package io.llmxds.filters.config;

import io.llmxds.filters.store.StoreSpec;
import io.llmxds.filters.auth.ConsumerTable;
import java.util.Map;
import java.util.Optional;

/**
 * A consistent data-path config, before its stores are opened: every store a route names is among {@code stores},
 * each with its password, and each consumer with its key hashes. Equal configs are the same config (a resent
 * response changes nothing).
 */
record AssembledConfig(Map<String, StoreSpec> stores, ModelTable table, Optional<ConsumerTable> consumers) {
  AssembledConfig {
    stores = Map.copyOf(stores);
  }
}
