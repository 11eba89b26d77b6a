package io.llmxds.filters.auth;

import java.util.List;
import java.util.Map;

/**
 * The consumers of one data-path config with the key hashes their secrets hold, as decoded from RDS and SDS: a
 * value, so that an unchanged table compares equal and a rotated key makes another config.
 *
 * @param consumers by name
 * @param keys each consumer's key hashes, by consumer name
 */
public record ConsumerTable(Map<String, Consumer> consumers, Map<String, List<KeyHash>> keys) {
  public ConsumerTable {
    consumers = Map.copyOf(consumers);
    keys = Map.copyOf(keys);
  }
}
