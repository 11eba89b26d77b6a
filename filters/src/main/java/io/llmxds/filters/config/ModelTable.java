package io.llmxds.filters.config;

import java.util.List;

/**
 * The model → context policy table of RDS {@code llm-xds/context} as decoded: routes in order (the first that
 * matches wins), and what the virtual host's metadata says for all of them.
 *
 * @param configVersion the config version the control plane compiled the table from
 * @param maxBodyBytes the Gateway's request buffer limit: the service's body limit under this table
 */
record ModelTable(String configVersion, long maxBodyBytes, List<PolicyRoute> routes) {
  ModelTable {
    routes = List.copyOf(routes);
  }
}
