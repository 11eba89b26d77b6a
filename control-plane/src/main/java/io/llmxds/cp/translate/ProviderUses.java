package io.llmxds.cp.translate;

import io.llmxds.cp.policy.ModelRoute;
import io.llmxds.cp.policy.PolicyBundle;
import java.util.HashSet;
import java.util.Set;

/**
 * How the routes of a bundle reach each provider, which decides where its upstream HTTP filters must be. Envoy runs
 * the upstream filters of the cluster the route picked — for a fallback chain the aggregate's, never a child's
 * (upstream_request.cc:147, router.cc:519-530; docs/envoy-semantics.md) — so filters on a provider cluster that is
 * only reached through aggregates would be dead config.
 *
 * @param direct providers some route picks as a weighted cluster of its own (a route without fallbacks)
 * @param chainHeads providers that head a fallback chain (a backend of a route with fallbacks)
 */
record ProviderUses(Set<String> direct, Set<String> chainHeads) {

  static ProviderUses of(PolicyBundle bundle) {
    Set<String> direct = new HashSet<>();
    Set<String> heads = new HashSet<>();
    for (ModelRoute route : bundle.modelRoutes()) {
      for (ModelRoute.Backend backend : route.backends()) {
        if (!route.fallbacks().isEmpty()) {
          heads.add(backend.provider());
        } else {
          direct.add(backend.provider());
        }
      }
    }
    return new ProviderUses(Set.copyOf(direct), Set.copyOf(heads));
  }

  /** True when some cluster's credential injector sends this provider's credential (so its secret is needed). */
  boolean credentialSent(String provider) {
    return direct.contains(provider) || chainHeads.contains(provider);
  }
}
