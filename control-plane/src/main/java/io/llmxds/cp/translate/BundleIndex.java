package io.llmxds.cp.translate;

import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.Provider;
import io.llmxds.cp.policy.RateLimit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One bundle with the lookups the per-route translation needs, built once per translation: looking them up in the
 * bundle's lists for every route made a 10,000-route translation quadratic.
 */
record BundleIndex(PolicyBundle bundle, Map<String, Provider> providers, Map<String, List<RateLimit>> rateLimits) {

  static BundleIndex of(PolicyBundle bundle) {
    Map<String, Provider> providers = new HashMap<>();
    bundle.providers().forEach(p -> providers.put(p.name(), p));
    Map<String, List<RateLimit>> rateLimits = new HashMap<>();
    for (RateLimit limit : bundle.rateLimits()) {
      limit.modelRoutes().forEach(r -> rateLimits.computeIfAbsent(r, k -> new ArrayList<>()).add(limit));
    }
    return new BundleIndex(bundle, Map.copyOf(providers), Map.copyOf(rateLimits));
  }

  Optional<Provider> provider(String name) {
    return Optional.ofNullable(providers.get(name));
  }

  /** The rate limits that name {@code modelRoute}, in the bundle's order. */
  List<RateLimit> rateLimitsOf(String modelRoute) {
    return rateLimits.getOrDefault(modelRoute, List.of());
  }
}
