package io.llmxds.filters.config;

import io.llmxds.common.DataPathConfig;
import io.llmxds.filters.config.StoreClusters.Declared;
import io.llmxds.filters.context.RequestPolicy;
import io.llmxds.filters.store.StoreSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the newest CDS, RDS and SDS make together, and what it lacks to be applied (docs/data-path-config.md "One
 * snapshot, applied whole"): every store a route names (its cluster and its migration source) among the clusters,
 * every password secret a cluster names among the secrets, and a table at all.
 */
record Candidate(Map<String, Declared> stores, Optional<ModelTable> table, Map<String, String> secrets) {

  /**
   * A reference the candidate cannot resolve: {@code referrer} names it, {@code referee} should deliver the
   * resource {@code name}. A newer response of either type can resolve it. No referrer: there is no table yet, and
   * everything waits for one.
   */
  record Missing(String what, String name, Optional<ResourceType> referrer, ResourceType referee) {}

  List<Missing> missing() {
    List<Missing> missing = new ArrayList<>();
    if (table.isEmpty()) {
      missing.add(new Missing("RouteConfiguration " + DataPathConfig.ROUTE_CONFIGURATION,
          DataPathConfig.ROUTE_CONFIGURATION, Optional.empty(), ResourceType.RDS));
    }
    for (PolicyRoute route : table.map(ModelTable::routes).orElse(List.of())) {
      RequestPolicy policy = route.policy();
      storeMissing(policy.store(), policy.route(), missing);
      policy.migrateFrom().ifPresent(from -> storeMissing(from.store(), policy.route(), missing));
    }
    stores.values().forEach(store -> store.passwordSecret().filter(secret -> !secrets.containsKey(secret))
        .ifPresent(secret -> missing.add(new Missing("secret " + secret + " (named by cluster "
            + DataPathConfig.storeCluster(store.spec().name()) + ")", secret, Optional.of(ResourceType.CDS),
            ResourceType.SDS))));
    return missing;
  }

  private void storeMissing(String store, String route, List<Missing> missing) {
    if (!stores.containsKey(store)) {
      missing.add(new Missing("cluster " + DataPathConfig.storeCluster(store) + " (named by route " + route + ")",
          store, Optional.of(ResourceType.RDS), ResourceType.CDS));
    }
  }

  /** The config, each store with its password; only when nothing is {@link #missing()}. */
  AssembledConfig assemble() {
    Map<String, StoreSpec> specs = new LinkedHashMap<>();
    stores.forEach((name, store) -> specs.put(name, withPassword(store.spec(),
        store.passwordSecret().map(secrets::get))));
    return new AssembledConfig(specs, table.orElseThrow());
  }

  private static StoreSpec withPassword(StoreSpec spec, Optional<String> password) {
    return new StoreSpec(spec.name(), spec.type(), spec.addresses(), spec.database(), spec.tls(), spec.username(),
        password, spec.connectTimeout(), spec.commandTimeout(), spec.poolSize());
  }
}
