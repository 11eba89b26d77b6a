package io.llmxds.cp.translate;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.llmxds.cp.policy.ModelRoute;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.Provider;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Policy to xDS for proxyless gRPC clients: only the model routes (weights, retries, timeouts, fallbacks) and the
 * providers they use. Everything the gateway does on the data path (ext_proc, rate limits, credentials) is Envoy's
 * and has no proxyless form. Pure and deterministic like {@link Translator}. See docs/proxyless-grpc.md.
 */
public final class ProxylessTranslator {

  private ProxylessTranslator() {}

  public static EnvoyResources translate(PolicyBundle bundle) {
    List<Provider> used = usedProviders(bundle);
    return new EnvoyResources(
        Translator.sorted(ProxylessClusterTranslator.translate(bundle, used), Cluster::getName),
        Translator.sorted(ProxylessEndpointTranslator.translate(used), ClusterLoadAssignment::getClusterName),
        Translator.sorted(ProxylessListenerTranslator.translate(bundle), Listener::getName),
        Translator.sorted(ProxylessRouteTranslator.translate(bundle), RouteConfiguration::getName),
        List.of());
  }

  /** The providers some model route sends to, as a backend or a fallback; a provider nobody routes to is left out. */
  private static List<Provider> usedProviders(PolicyBundle bundle) {
    Set<String> names = new TreeSet<>();
    for (ModelRoute route : bundle.modelRoutes()) {
      route.backends().forEach(b -> names.add(b.provider()));
      names.addAll(route.fallbackProviders());
    }
    return bundle.providers().stream().filter(p -> names.contains(p.name())).toList();
  }
}
