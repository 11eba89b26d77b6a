package io.llmxds.filters.config;

import io.llmxds.filters.auth.Consumer;
import io.llmxds.filters.ratelimit.GlobalLimit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The model → context policy table of RDS {@code llm-xds/context} as decoded: routes in order (the first that
 * matches wins), and what the virtual host's metadata says for all of them.
 *
 * @param configVersion the config version the control plane compiled the table from
 * @param maxBodyBytes the Gateway's request buffer limit: the service's body limit under this table
 * @param consumers the consumer table by name; empty: an anonymous gateway
 * @param limits the global rate limits by name (docs/global-rate-limits.md)
 */
record ModelTable(String configVersion, long maxBodyBytes, List<TableRoute> routes,
    Optional<Map<String, Consumer>> consumers, Map<String, GlobalLimit> limits) {
  ModelTable {
    routes = List.copyOf(routes);
    consumers = consumers.map(Map::copyOf);
    limits = Map.copyOf(limits);
  }

  /** A table of an anonymous gateway without global limits. */
  ModelTable(String configVersion, long maxBodyBytes, List<TableRoute> routes) {
    this(configVersion, maxBodyBytes, routes, Optional.empty(), Map.of());
  }
}
