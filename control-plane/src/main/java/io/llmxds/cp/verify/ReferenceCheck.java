package io.llmxds.cp.verify;

import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.clusters.aggregate.v3.ClusterConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.llmxds.common.DataPathConfig;
import io.llmxds.common.GlobalRateLimits;
import io.llmxds.cp.translate.EnvoyResources;
import io.llmxds.cp.translate.Names;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Do the resources of one snapshot refer only to each other? Envoy accepts a route to a missing cluster or a
 * cluster waiting for a missing secret, and then fails requests or warms forever; this finds those before a push.
 * Each problem names the referencing resource and the missing name. (java-control-plane's
 * {@code Snapshot.ensureConsistent} only knows the deprecated HCM filter name, hence this.)
 */
public final class ReferenceCheck {

  private static final MessageFinder RDS = MessageFinder.of(Rds.class);
  private static final MessageFinder CLUSTER_REFERENCES =
      MessageFinder.of(RouteAction.class, WeightedCluster.ClusterWeight.class, GrpcService.EnvoyGrpc.class);
  private static final MessageFinder AGGREGATE_CONFIG = MessageFinder.of(ClusterConfig.class);
  private static final MessageFinder SDS = MessageFinder.of(SdsSecretConfig.class);

  private ReferenceCheck() {}

  /** Every broken reference; empty when the resources are consistent. */
  public static List<String> check(EnvoyResources resources) {
    return check(resources, new UnpackedAnys());
  }

  /** As {@link #check(EnvoyResources)}, sharing the unpacked {@code Any}s with other checks of the same resources. */
  public static List<String> check(EnvoyResources resources, UnpackedAnys anys) {
    Map<String, Cluster> clusters = byName(resources.clusters(), Cluster::getName);
    Set<String> routeConfigs = byName(resources.routes(), RouteConfiguration::getName).keySet();
    List<String> problems = new ArrayList<>();
    for (Listener listener : resources.listeners()) {
      String where = "Listener " + listener.getName();
      for (Rds rds : RDS.in(listener, Rds.class, anys)) {
        if (!routeConfigs.contains(rds.getRouteConfigName())) {
          problems.add(where + ": RDS route_config_name '" + rds.getRouteConfigName()
              + "' has no RouteConfiguration");
        }
      }
      clusterReferences(listener, anys).stream().filter(c -> !clusters.containsKey(c))
          .forEach(c -> problems.add(where + ": cluster '" + c + "' does not exist"));
    }
    for (RouteConfiguration config : resources.routes()) {
      for (VirtualHost host : config.getVirtualHostsList()) {
        for (Route route : host.getRoutesList()) {
          String where = "Route " + config.getName() + "/" + host.getName() + "/" + route.getName();
          clusterReferences(route, anys).stream().filter(c -> !clusters.containsKey(c))
              .forEach(c -> problems.add(where + ": cluster '" + c + "' does not exist"));
        }
        problems.addAll(limitTableProblems(config, host, clusters.keySet()));
      }
    }
    problems.addAll(edsProblems(resources, clusters));
    clusters.values().forEach(c -> problems.addAll(aggregateProblems(c, clusters, anys)));
    problems.addAll(secretProblems(resources, anys));
    return problems;
  }

  /** Clusters named by route actions, weighted clusters and Envoy gRPC services (ext_proc). */
  private static List<String> clusterReferences(Message resource, UnpackedAnys anys) {
    List<String> names = new ArrayList<>();
    for (Message m : CLUSTER_REFERENCES.in(resource, anys)) {
      if (m instanceof RouteAction action && action.hasCluster()) {
        names.add(action.getCluster());
      } else if (m instanceof WeightedCluster.ClusterWeight weight) {
        names.add(weight.getName());
      } else if (m instanceof GrpcService.EnvoyGrpc grpc) {
        names.add(grpc.getClusterName());
      }
    }
    return names;
  }

  /** Each EDS cluster has exactly one ClusterLoadAssignment, and each assignment belongs to an EDS cluster. */
  private static List<String> edsProblems(EnvoyResources resources, Map<String, Cluster> clusters) {
    Map<String, Long> assignments = resources.endpoints().stream()
        .collect(Collectors.groupingBy(ClusterLoadAssignment::getClusterName, Collectors.counting()));
    Set<String> edsServices = new HashSet<>();
    List<String> problems = new ArrayList<>();
    for (Cluster cluster : clusters.values()) {
      if (!cluster.hasType() || cluster.getType() != Cluster.DiscoveryType.EDS) {
        continue;
      }
      String service = edsServiceName(cluster);
      edsServices.add(service);
      long count = assignments.getOrDefault(service, 0L);
      if (count != 1) {
        problems.add("Cluster " + cluster.getName() + ": EDS service '" + service + "' has " + count
            + " ClusterLoadAssignments, expected 1");
      }
    }
    assignments.keySet().stream().filter(a -> !edsServices.contains(a)).sorted()
        .forEach(a -> problems.add("ClusterLoadAssignment " + a + ": no EDS cluster uses it"));
    return problems;
  }

  private static String edsServiceName(Cluster cluster) {
    String service = cluster.getEdsClusterConfig().getServiceName();
    return service.isEmpty() ? cluster.getName() : service;
  }

  private static List<String> aggregateProblems(Cluster cluster, Map<String, Cluster> clusters,
      UnpackedAnys anys) {
    List<String> problems = new ArrayList<>();
    for (String child : aggregateChildren(cluster, anys).<List<String>>map(ClusterConfig::getClustersList).orElse(List.of())) {
      Cluster target = clusters.get(child);
      if (target == null) {
        problems.add("Cluster " + cluster.getName() + ": aggregate child '" + child + "' does not exist");
      } else if (aggregateChildren(target, anys).isPresent()) {
        problems.add("Cluster " + cluster.getName() + ": aggregate child '" + child + "' is itself an aggregate");
      }
    }
    return problems;
  }

  private static Optional<ClusterConfig> aggregateChildren(Cluster cluster, UnpackedAnys anys) {
    if (!cluster.getClusterType().getName().equals(Names.AGGREGATE_CLUSTER)) {
      return Optional.empty();
    }
    return AGGREGATE_CONFIG.in(cluster.getClusterType(), ClusterConfig.class, anys).stream().findFirst()
        .or(() -> Optional.of(ClusterConfig.getDefaultInstance()));
  }

  /** A context store's password (docs/data-path-config.md): named in the store cluster's metadata, not by SDS config. */
  private static Optional<String> storePasswordSecret(Cluster cluster) {
    return Optional.ofNullable(cluster.getMetadata().getFilterMetadataMap().get(DataPathConfig.STORE_METADATA))
        .map(m -> m.getFieldsMap().get(DataPathConfig.STORE_PASSWORD_SECRET))
        .map(Value::getStringValue)
        .filter(name -> !name.isEmpty());
  }

  /**
   * The global limit table (GlobalRateLimits): each limit's store is a served cluster, and each of its ModelRoutes a
   * route of the same table (the service counts a request only under a route it can match).
   */
  private static List<String> limitTableProblems(RouteConfiguration config, VirtualHost host, Set<String> clusters) {
    Struct limits = host.getMetadata().getFilterMetadataMap()
        .getOrDefault(GlobalRateLimits.LIMITS_METADATA, Struct.getDefaultInstance());
    Set<String> routes = new HashSet<>();
    host.getRoutesList().forEach(r -> routes.add(r.getName()));
    List<String> problems = new ArrayList<>();
    limits.getFieldsMap().forEach((name, limit) -> {
      String where = "RouteConfiguration " + config.getName() + "/" + host.getName() + " rate limit " + name;
      Map<String, Value> fields = limit.getStructValue().getFieldsMap();
      String store = DataPathConfig.storeCluster(
          fields.getOrDefault(GlobalRateLimits.LIMIT_STORE, Value.getDefaultInstance()).getStringValue());
      if (!clusters.contains(store)) {
        problems.add(where + ": store cluster '" + store + "' does not exist");
      }
      fields.getOrDefault(GlobalRateLimits.LIMIT_MODEL_ROUTES, Value.getDefaultInstance()).getListValue()
          .getValuesList().stream().map(Value::getStringValue).filter(r -> !routes.contains(r))
          .forEach(r -> problems.add(where + ": model route '" + r + "' is not a route of the table"));
    });
    return problems;
  }

  /** The consumers' key secrets (docs/data-path-config.md): named in the consumer table on the virtual hosts. */
  private static List<String> consumerKeySecrets(RouteConfiguration table) {
    List<String> names = new ArrayList<>();
    for (VirtualHost host : table.getVirtualHostsList()) {
      Struct consumers = host.getMetadata().getFilterMetadataMap()
          .getOrDefault(DataPathConfig.CONSUMERS_METADATA, Struct.getDefaultInstance());
      consumers.getFieldsMap().values().forEach(consumer -> names.add(consumer.getStructValue().getFieldsMap()
          .getOrDefault(DataPathConfig.CONSUMER_KEYS_SECRET, Value.getDefaultInstance())
          .getStringValue()));
    }
    return names;
  }

  /** Every SDS reference resolves, and every secret is referenced (an unreferenced one is a leak risk for nothing). */
  private static List<String> secretProblems(EnvoyResources resources, UnpackedAnys anys) {
    Set<String> secrets = byName(resources.secrets(), Secret::getName).keySet();
    Set<String> referenced = new HashSet<>();
    List<String> problems = new ArrayList<>();
    List<Message> referencing = new ArrayList<>(resources.clusters());
    referencing.addAll(resources.listeners());
    referencing.addAll(resources.routes());
    for (Message resource : referencing) {
      List<String> names = new ArrayList<>();
      SDS.in(resource, SdsSecretConfig.class, anys).forEach(sds -> names.add(sds.getName()));
      if (resource instanceof Cluster cluster) {
        storePasswordSecret(cluster).ifPresent(names::add);
      }
      if (resource instanceof RouteConfiguration table) {
        names.addAll(consumerKeySecrets(table));
      }
      for (String name : names) {
        referenced.add(name);
        if (!secrets.contains(name)) {
          problems.add(describe(resource) + ": secret '" + name + "' is not in SDS");
        }
      }
    }
    secrets.stream().filter(s -> !referenced.contains(s)).sorted()
        .forEach(s -> problems.add("Secret " + s + ": no cluster, listener or consumer table references it"));
    return problems;
  }

  private static String describe(Message resource) {
    if (resource instanceof Cluster cluster) {
      return "Cluster " + cluster.getName();
    }
    if (resource instanceof RouteConfiguration table) {
      return "RouteConfiguration " + table.getName();
    }
    return "Listener " + ((Listener) resource).getName();
  }

  private static <T> Map<String, T> byName(List<T> resources, Function<T, String> name) {
    return resources.stream().collect(Collectors.toMap(name, Function.identity(), (a, b) -> a, TreeMap::new));
  }
}
