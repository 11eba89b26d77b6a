package io.llmxds.cp.policy;

import java.util.List;
import java.util.Optional;

/**
 * One complete, validated set of policies: what a policy directory says at one moment. Immutable; every list is
 * sorted by name so that equal content gives equal bundles (and equal config versions).
 */
public record PolicyBundle(
    Gateway gateway,
    List<Provider> providers,
    List<ModelRoute> modelRoutes,
    List<RateLimit> rateLimits,
    List<ContextPolicy> contextPolicies,
    List<ContextStore> contextStores,
    List<Consumer> consumers) {

  public PolicyBundle {
    consumers = List.copyOf(consumers);
    providers = List.copyOf(providers);
    modelRoutes = List.copyOf(modelRoutes);
    rateLimits = List.copyOf(rateLimits);
    contextPolicies = List.copyOf(contextPolicies);
    contextStores = List.copyOf(contextStores);
  }

  /** A bundle with no Consumer: an anonymous gateway. */
  public PolicyBundle(Gateway gateway, List<Provider> providers, List<ModelRoute> modelRoutes,
      List<RateLimit> rateLimits, List<ContextPolicy> contextPolicies, List<ContextStore> contextStores) {
    this(gateway, providers, modelRoutes, rateLimits, contextPolicies, contextStores, List.of());
  }

  /** A bundle with no ContextStore documents (every policy on the built-in memory store) and no Consumer. */
  public PolicyBundle(Gateway gateway, List<Provider> providers, List<ModelRoute> modelRoutes,
      List<RateLimit> rateLimits, List<ContextPolicy> contextPolicies) {
    this(gateway, providers, modelRoutes, rateLimits, contextPolicies, List.of());
  }

  /** The store named {@code name}: a declared one, or the built-in memory store. */
  public Optional<ContextStore> contextStore(String name) {
    if (name.equals(ContextStore.BUILT_IN_MEMORY)) {
      return Optional.of(ContextStore.builtInMemory());
    }
    return contextStores.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  public Optional<Provider> provider(String name) {
    return providers.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  public Optional<ModelRoute> modelRoute(String name) {
    return modelRoutes.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  /** Whether clients must authenticate: some Consumer exists (else the gateway is anonymous). */
  public boolean authenticates() {
    return !consumers.isEmpty();
  }

  public Optional<ContextPolicy> contextPolicy(String name) {
    return contextPolicies.stream().filter(c -> c.name().equals(name)).findFirst();
  }
}
