package io.llmxds.cp.translate;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.bootstrap.v3.Admin;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The edge resources of one config version as a <em>static</em> Envoy bootstrap: what ADS would push to a node,
 * with nothing left to discover, so that {@code envoy --mode validate} can judge it (docs/verification.md, "Envoy's own
 * verdict"). Pure: the listeners with their routes inlined ({@code route_config} instead of {@code rds}), every EDS
 * cluster turned STATIC with its ClusterLoadAssignment inline, the secrets under {@code static_resources.secrets} and
 * every SDS reference without its {@code sds_config} (Envoy then resolves it by name among the static secrets:
 * envoy-semantics row SB1), an admin block and the node. The result holds the secrets in the clear.
 */
public final class StaticBootstrap {

  /** The node the bootstrap names: edge nodes all get the same config (publish.XdsNodeGroups). */
  public static final Node NODE = Node.newBuilder().setId("llm-xds-validate").setCluster("llm-gateway").build();
  /** Where envoy/bootstrap.yaml puts the admin interface; {@code --mode validate} binds nothing (row SB3). */
  static final SocketAddress ADMIN = SocketAddress.newBuilder().setAddress("127.0.0.1").setPortValue(9901).build();

  private StaticBootstrap() {}

  /**
   * @param edge the edge flavor of a compiled config (its references already checked by the verify stage)
   * @throws IllegalArgumentException when an RDS name or an EDS service has no resource in {@code edge}
   */
  public static Bootstrap render(EnvoyResources edge) {
    Map<String, RouteConfiguration> routes = byName(edge.routes(), RouteConfiguration::getName);
    Map<String, ClusterLoadAssignment> endpoints = byName(edge.endpoints(), ClusterLoadAssignment::getClusterName);
    Inliner inliner = new Inliner(routes);
    Bootstrap.Builder bootstrap = Bootstrap.newBuilder()
        .setNode(NODE)
        .setAdmin(Admin.newBuilder().setAddress(Address.newBuilder().setSocketAddress(ADMIN)));
    var resources = bootstrap.getStaticResourcesBuilder();
    edge.listeners().forEach(l -> resources.addListeners(inliner.rewrite(l)));
    edge.clusters().forEach(c -> resources.addClusters(inliner.rewrite(staticCluster(c, endpoints))));
    edge.secrets().forEach(resources::addSecrets);
    return bootstrap.build();
  }

  /**
   * An EDS cluster with its endpoints inline (STATIC takes the hosts of its load_assignment as IP literals, row SB5;
   * EDS endpoints are IP literals by translation); any other cluster as it is.
   */
  private static Cluster staticCluster(Cluster cluster, Map<String, ClusterLoadAssignment> endpoints) {
    if (cluster.getType() != Cluster.DiscoveryType.EDS) {
      return cluster;
    }
    String service = cluster.getEdsClusterConfig().getServiceName().isEmpty()
        ? cluster.getName() : cluster.getEdsClusterConfig().getServiceName();
    ClusterLoadAssignment assignment = endpoints.get(service);
    if (assignment == null) {
      throw new IllegalArgumentException("cluster " + cluster.getName() + ": no endpoints named " + service);
    }
    return cluster.toBuilder().setType(Cluster.DiscoveryType.STATIC).clearEdsClusterConfig()
        .setLoadAssignment(assignment.toBuilder().setClusterName(cluster.getName())).build();
  }

  private static <T> Map<String, T> byName(List<T> resources, Function<T, String> name) {
    return resources.stream().collect(Collectors.toMap(name, Function.identity()));
  }

  /** Rewrites a resource, inside its {@code Any}s too: routes into their HCM, SDS references to static names. */
  private record Inliner(Map<String, RouteConfiguration> routes) {

    @SuppressWarnings("unchecked")
    <M extends Message> M rewrite(M message) {
      Message own = message;
      if (own instanceof HttpConnectionManager hcm && hcm.hasRds()) {
        RouteConfiguration route = routes.get(hcm.getRds().getRouteConfigName());
        if (route == null) {
          throw new IllegalArgumentException("no RouteConfiguration named " + hcm.getRds().getRouteConfigName());
        }
        // An inline route table is built with the listener instead of subscribed to (row SB5).
        own = hcm.toBuilder().setRouteConfig(route).build();
      }
      Message.Builder builder = own.toBuilder();
      for (Map.Entry<FieldDescriptor, Object> field : own.getAllFields().entrySet()) {
        if (field.getKey().getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
          builder.setField(field.getKey(), nested(field.getValue()));
        }
      }
      if (builder instanceof SdsSecretConfig.Builder sds) {
        // Without sds_config Envoy looks the name up among static_resources.secrets (row SB1).
        sds.clearSdsConfig();
      }
      return (M) builder.build();
    }

    private Object nested(Object value) {
      if (value instanceof List<?> list) {
        return list.stream().map(this::nested).toList();
      }
      if (value instanceof Any any) {
        return EnvoyTypes.unpack(any).<Object>map(m -> Any.pack(rewrite(m))).orElse(any);
      }
      return rewrite((Message) value);
    }
  }
}
