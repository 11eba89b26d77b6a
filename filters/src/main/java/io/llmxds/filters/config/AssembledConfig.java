package io.llmxds.filters.config;

import io.llmxds.filters.store.StoreSpec;
import java.util.Map;

/**
 * A consistent data-path config, before its stores are opened: every store a route names is among {@code stores},
 * each with its password. Equal configs are the same config (a resent response changes nothing).
 */
record AssembledConfig(Map<String, StoreSpec> stores, ModelTable table) {
  AssembledConfig {
    stores = Map.copyOf(stores);
  }
}
