package io.llmxds.filters.config;

import io.llmxds.common.DataPathConfig;
import io.llmxds.filters.auth.Consumer;
import io.llmxds.filters.auth.ConsumerTable;
import io.llmxds.filters.auth.KeyHash;
import io.llmxds.filters.config.StoreClusters.Declared;
import io.llmxds.filters.context.RequestPolicy;
import io.llmxds.filters.ratelimit.GlobalLimit;
import io.llmxds.filters.store.StoreSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the newest CDS, RDS and SDS make together, and what it lacks to be applied (docs/data-path-config.md "One
 * snapshot, applied whole"): every store a route names (its cluster and its migration source) among the clusters,
 * every password secret a cluster names and every keys secret a consumer names among the secrets, and a table at
 * all.
 */
record Candidate(Map<String, Declared> stores, Optional<ModelTable> table, Secrets secrets) {

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
    for (TableRoute route : table.map(ModelTable::routes).orElse(List.of())) {
      if (route.policy().isEmpty()) {
        continue;
      }
      RequestPolicy policy = route.policy().get();
      storeMissing(policy.store(), "route " + policy.route(), missing);
      policy.migrateFrom().ifPresent(from -> storeMissing(from.store(), "route " + policy.route(), missing));
    }
    for (GlobalLimit limit : table.map(ModelTable::limits).orElse(Map.of()).values()) {
      storeMissing(limit.store(), "rate limit " + limit.name(), missing);
    }
    consumers().values().stream().filter(consumer -> !secrets.keys().containsKey(consumer.keysSecret()))
        .forEach(consumer -> missing.add(new Missing("secret " + consumer.keysSecret() + " (named by consumer "
            + consumer.name() + ")", consumer.keysSecret(), Optional.of(ResourceType.RDS), ResourceType.SDS)));
    stores.values().forEach(store -> store.passwordSecret().filter(secret -> !secrets.passwords().containsKey(secret))
        .ifPresent(secret -> missing.add(new Missing("secret " + secret + " (named by cluster "
            + DataPathConfig.storeCluster(store.spec().name()) + ")", secret, Optional.of(ResourceType.CDS),
            ResourceType.SDS))));
    return missing;
  }

  /** @param referrer who names the store: {@code route <name>} or {@code rate limit <name>} */
  private void storeMissing(String store, String referrer, List<Missing> missing) {
    if (!stores.containsKey(store)) {
      missing.add(new Missing("cluster " + DataPathConfig.storeCluster(store) + " (named by " + referrer + ")",
          store, Optional.of(ResourceType.RDS), ResourceType.CDS));
    }
  }

  /** The config, each store with its password and each consumer with its keys; only when nothing is missing. */
  AssembledConfig assemble() {
    Map<String, StoreSpec> specs = new LinkedHashMap<>();
    stores.forEach((name, store) -> specs.put(name, withPassword(store.spec(),
        store.passwordSecret().map(secrets.passwords()::get))));
    ModelTable modelTable = table.orElseThrow();
    Optional<ConsumerTable> consumerTable = modelTable.consumers().map(consumers -> {
      Map<String, List<KeyHash>> keys = new LinkedHashMap<>();
      consumers.values().forEach(consumer -> keys.put(consumer.name(), secrets.keys().get(consumer.keysSecret())));
      return new ConsumerTable(consumers, keys);
    });
    return new AssembledConfig(specs, modelTable, consumerTable);
  }

  /** The consumers the table names (none on an anonymous gateway). */
  private Map<String, Consumer> consumers() {
    return table.flatMap(ModelTable::consumers).orElse(Map.of());
  }

  private static StoreSpec withPassword(StoreSpec spec, Optional<String> password) {
    return new StoreSpec(spec.name(), spec.type(), spec.addresses(), spec.database(), spec.tls(), spec.username(),
        password, spec.connectTimeout(), spec.commandTimeout(), spec.poolSize());
  }
}
