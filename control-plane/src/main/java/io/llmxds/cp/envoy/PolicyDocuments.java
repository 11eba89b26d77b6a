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
 * credential, a model route's fallback clusters or its route, the gateway's listener. Names with a slash are
 * distinctive anywhere; a bare name (a route, the listener) counts only quoted, as Envoy quotes names in its errors.
 */
final class PolicyDocuments {

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
      if (quoted(message, route.name()) || bare(message, "fallback/" + route.name() + "/")) {
        labels.add("ModelRoute/" + route.name());
      }
    }
    return List.copyOf(labels);
  }

  private static boolean bare(String message, String name) {
    return Pattern.compile("(?<![\\w./-])" + Pattern.quote(name)).matcher(message).find();
  }

  private static boolean quoted(String message, String name) {
    return Pattern.compile("['\"]" + Pattern.quote(name) + "['\"]").matcher(message).find();
  }
}
