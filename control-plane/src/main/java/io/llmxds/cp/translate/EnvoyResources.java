package io.llmxds.cp.translate;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.List;

/** The Envoy resources one policy bundle translates to, each list sorted by resource name. */
public record EnvoyResources(
    List<Cluster> clusters,
    List<ClusterLoadAssignment> endpoints,
    List<Listener> listeners,
    List<RouteConfiguration> routes,
    List<Secret> secrets) {

  public EnvoyResources {
    clusters = List.copyOf(clusters);
    endpoints = List.copyOf(endpoints);
    listeners = List.copyOf(listeners);
    routes = List.copyOf(routes);
    secrets = List.copyOf(secrets);
  }

  /** No resources: what a flavor gets that has nothing to be served. */
  public static EnvoyResources empty() {
    return new EnvoyResources(List.of(), List.of(), List.of(), List.of(), List.of());
  }
}
