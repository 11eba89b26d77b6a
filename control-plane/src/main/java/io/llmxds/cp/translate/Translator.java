package io.llmxds.cp.translate;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.llmxds.cp.policy.PolicyBundle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Policy to Envoy, edge flavor ({@link ProxylessTranslator} is the other): a pure, deterministic function; equal
 * bundles give equal resources, each list sorted by name. Each route carries the version of its own content, so
 * resources that did not change stay byte-identical from one config version to the next.
 */
public final class Translator {

  private Translator() {}

  public static EnvoyResources translate(PolicyBundle bundle) {
    List<HttpFilterFeature> features = HttpFilters.ORDERED;
    List<Cluster> clusters = new ArrayList<>(ClusterTranslator.translate(bundle));
    List<ClusterLoadAssignment> endpoints = new ArrayList<>(EndpointTranslator.translate(bundle));
    for (HttpFilterFeature feature : features) {
      EnvoyResources extra = feature.resources(bundle);
      clusters.addAll(extra.clusters());
      endpoints.addAll(extra.endpoints());
    }
    return new EnvoyResources(
        sorted(clusters, Cluster::getName),
        sorted(endpoints, ClusterLoadAssignment::getClusterName),
        List.of(ListenerTranslator.translate(bundle, features)),
        List.of(RouteTranslator.translate(bundle, features)),
        sorted(SecretTranslator.translate(bundle), Secret::getName));
  }

  static <T extends Message> List<T> sorted(List<T> resources, Function<T, String> name) {
    return resources.stream().sorted(Comparator.comparing(name)).toList();
  }
}
