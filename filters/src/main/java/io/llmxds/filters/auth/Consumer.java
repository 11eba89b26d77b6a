package io.llmxds.filters.auth;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One consumer of the data-path config's consumer table (docs/data-path-config.md "RDS: the consumer table").
 *
 * @param tier what the gateway sends as {@code x-llm-tier} for it
 * @param modelRoutes the ModelRoutes it may call; empty: every ModelRoute
 * @param labels attribution labels (team, org, …), on its {@code auth.check} spans
 * @param keysSecret the SDS Secret with its key hashes
 */
public record Consumer(String name, String tier, Optional<Set<String>> modelRoutes, Map<String, String> labels,
    String keysSecret) {

  public Consumer {
    modelRoutes = modelRoutes.map(Set::copyOf);
    labels = Map.copyOf(labels);
  }

  /** Whether it may call the ModelRoute named {@code route}. */
  public boolean mayUse(String route) {
    return modelRoutes.map(routes -> routes.contains(route)).orElse(true);
  }
}
