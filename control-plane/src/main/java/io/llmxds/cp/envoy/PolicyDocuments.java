package io.llmxds.cp.envoy;

import io.llmxds.cp.policy.ModelRoute;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.Provider;
import io.llmxds.cp.translate.Names;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The policy documents an Envoy message is about, found by the resource names it contains: a provider's cluster or
 * credential, a model route's route or a fallback cluster it uses (shared by every route with that chain), the
 * gateway's listener. Names with a slash are
 * distinctive anywhere; a bare name (a route, the listener) counts only quoted, as Envoy quotes names in its errors.
 */
final class PolicyDocuments {

  /** Not inside a longer resource name. */
  private static final String NOT_AFTER_NAME = "(?<![\\w./-])";

  private PolicyDocuments() {}

  /** Labels ({@code Kind/name}) in bundle order, each once. */
  static List<String> named(String message, PolicyBundle bundle) {
    Set<String> labels = new LinkedHashSet<>();
    if (quoted(message, bundle.gateway().name())) {
      labels.add("Gateway/" + bundle.gateway().name());
    }
    for (Provider provider : bundle.providers()) {
      if (bare(message, Names.providerCluster(provider.name()))
          || bare(message, Names.credentialSecret(provider.name()))) {
        labels.add("Provider/" + provider.name());
      }
    }
    for (ModelRoute route : bundle.modelRoutes()) {
      if (quoted(message, route.name()) || namesFallbackClusterOf(message, route)) {
        labels.add("ModelRoute/" + route.name());
      }
    }
    return List.copyOf(labels);
  }

  /**
   * A fallback cluster's name is a prefix of the longer chains that start with it (fallback/a/b, fallback/a/b/c), so
   * it must end where the name ends.
   */
  private static boolean namesFallbackClusterOf(String message, ModelRoute route) {
    return !route.fallbacks().isEmpty() && route.backends().stream()
        .map(b -> Names.fallbackCluster(route.fallbackChain(b.provider())))
        .anyMatch(name -> find(message, NOT_AFTER_NAME + Pattern.quote(name) + "(?![\\w./-])"));
  }

  private static boolean bare(String message, String name) {
    return find(message, NOT_AFTER_NAME + Pattern.quote(name));
  }

  private static boolean find(String message, String regex) {
    return Pattern.compile(regex).matcher(message).find();
  }

  private static boolean quoted(String message, String name) {
    return Pattern.compile("['\"]" + Pattern.quote(name) + "['\"]").matcher(message).find();
  }
}
