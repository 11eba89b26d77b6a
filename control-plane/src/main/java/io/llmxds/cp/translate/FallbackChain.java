package io.llmxds.cp.translate;

import io.llmxds.cp.policy.ModelRoute;
import io.llmxds.cp.policy.PolicyBundle;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The providers a request may try once a route with fallbacks picked one of its backends: that backend, then the
 * route's fallbacks, in order. Every route × backend with the same chain shares one aggregate cluster, named from the
 * chain ({@link Names#fallbackCluster}): nothing of a route lives on it. The retry policy is the route's and its
 * tried-levels state the request's (router.cc:813-815, config_impl.cc:376-383; docs/envoy-semantics.md CS1), the
 * per-provider model names are in the route's metadata (U2), and the aggregate's upstream filters and credential
 * come from the chain's head and the gateway.
 */
record FallbackChain(List<String> providers) {

  FallbackChain {
    providers = List.copyOf(providers);
  }

  static FallbackChain of(ModelRoute route, String backend) {
    return new FallbackChain(route.fallbackChain(backend));
  }

  /** Each chain some route of the bundle has, once, in the order the routes first use them. */
  static List<FallbackChain> distinct(PolicyBundle bundle) {
    Set<FallbackChain> chains = new LinkedHashSet<>();
    for (ModelRoute route : bundle.modelRoutes()) {
      if (!route.fallbacks().isEmpty()) {
        route.backends().forEach(b -> chains.add(of(route, b.provider())));
      }
    }
    return List.copyOf(chains);
  }

  /** The provider tried first: its credential and upstream phase are the aggregate's (U1). */
  String head() {
    return providers.get(0);
  }

  String clusterName() {
    return Names.fallbackCluster(providers);
  }
}
