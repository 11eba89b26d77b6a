package io.llmxds.filters.config;

import io.llmxds.filters.auth.Consumers;
import io.llmxds.filters.ratelimit.GlobalLimit;
import io.llmxds.filters.store.ContextStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One applied data-path config, immutable: what a request holds from the start of its ext_proc stream to its end,
 * so it runs under exactly one config however often the config changes meanwhile.
 *
 * @param config the config version it was compiled from, or {@link BuiltInDefault#CONFIG}
 * @param maxBodyBytes the largest body the service reads (413 above it)
 * @param stores the open stores, by the names policies use
 * @param consumers who may call the gateway; empty: an anonymous gateway (no key is checked)
 * @param limits the global rate limits by name; each one's store is among {@code stores}
 */
public record DataPathSnapshot(String config, long maxBodyBytes, List<TableRoute> routes,
    Map<String, ContextStore> stores, Optional<Consumers> consumers, Map<String, GlobalLimit> limits) {

  public DataPathSnapshot {
    routes = List.copyOf(routes);
    stores = Map.copyOf(stores);
    limits = Map.copyOf(limits);
  }

  /** A snapshot of an anonymous gateway without global limits. */
  public DataPathSnapshot(String config, long maxBodyBytes, List<TableRoute> routes, Map<String, ContextStore> stores) {
    this(config, maxBodyBytes, routes, stores, Optional.empty(), Map.of());
  }

  /** The first route that matches {@code model} (a routable model, if the body named one). */
  public Optional<TableRoute> routeFor(Optional<String> model) {
    return routes.stream().filter(route -> route.matcher().matches(model)).findFirst();
  }
}
