package io.llmxds.cp.verify.load;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.extensions.clusters.aggregate.v3.ClusterConfig;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.llmxds.cp.translate.Names;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.regex.Pattern;

/** What Envoy checks when it builds a cluster (CDS) and its endpoints (EDS). */
final class ClusterRules {

  private static final String CLUSTER_MANAGER = "source/common/upstream/cluster_manager_impl.cc:";
  private static final String LOGICAL_DNS = "source/extensions/clusters/logical_dns/logical_dns_cluster.cc:";
  private static final Set<Cluster.DiscoveryType> WITHOUT_BALANCER = Set.of(Cluster.DiscoveryType.STATIC,
      Cluster.DiscoveryType.STRICT_DNS, Cluster.DiscoveryType.LOGICAL_DNS, Cluster.DiscoveryType.EDS);
  private static final String CLUSTER_PROVIDED_POLICY =
      "envoy.extensions.load_balancing_policies.cluster_provided.v3.ClusterProvided";

  private ClusterRules() {}

  /**
   * {@code ClusterManagerImpl::loadCluster}: CLUSTER_PROVIDED must be the balancer exactly when the cluster type
   * brings one. An aggregate does ({@code ClusterFactory} returns an {@code AggregateThreadAwareLoadBalancer},
   * aggregate/cluster.cc:220).
   */
  static final Each<Cluster> AGGREGATE_NEEDS_CLUSTER_PROVIDED = Each.rejects(CLUSTER_MANAGER + "1061-1066",
      LoadedConfig::clusters, (cluster, report) -> {
        if (isAggregate(cluster) && !clusterProvided(cluster)) {
          report.at(balancerField(cluster), "cluster manager: cluster provided LB not specified but cluster '"
              + cluster.getName() + "' provided one. Check cluster documentation.");
        }
      });

  /**
   * The other way round: EDS, STATIC, STRICT_DNS and LOGICAL_DNS clusters bring no balancer (eds.cc:488,
   * logical_dns_cluster.cc:229). A cluster with neither {@code type} nor {@code cluster_type} is STATIC
   * (cluster_factory_impl.cc:41-45).
   */
  static final Each<Cluster> CLUSTER_PROVIDED_NEEDS_A_BALANCER = Each.rejects(CLUSTER_MANAGER + "1055-1060",
      LoadedConfig::clusters, (cluster, report) -> {
        if (!cluster.hasClusterType() && WITHOUT_BALANCER.contains(cluster.getType()) && clusterProvided(cluster)) {
          report.at(balancerField(cluster), "cluster manager: cluster provided LB specified but cluster '"
              + cluster.getName() + "' did not provide one. Check cluster documentation.");
        }
      });

  /** {@code LogicalDnsCluster::create}: a LOGICAL_DNS cluster resolves one host: one locality, one endpoint. */
  static final Each<Cluster> LOGICAL_DNS_SINGLE_HOST = Each.rejects(LOGICAL_DNS + "55-64", LoadedConfig::clusters,
      Each.reasonAt(Where.root().field("load_assignment"), cluster -> !logicalDns(cluster) || oneHost(cluster)
          ? null : cluster.hasLoadAssignment()
          ? "LOGICAL_DNS clusters must have a single locality_lb_endpoint and a single lb_endpoint"
          : "LOGICAL_DNS clusters must have a single host"));

  /** {@code LogicalDnsCluster::create}: its one endpoint is resolved by DNS, not by a named resolver. */
  static final Each<Cluster> LOGICAL_DNS_NO_RESOLVER = Each.rejects(LOGICAL_DNS + "66-71", LoadedConfig::clusters,
      Each.reasonAt(Where.root().field("load_assignment").item("endpoints", 0).item("lb_endpoints", 0)
              .field("endpoint").field("address").field("socket_address").field("resolver_name"),
          cluster -> logicalDns(cluster) && oneHost(cluster) && !cluster.getLoadAssignment().getEndpoints(0)
              .getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress().getResolverName().isEmpty()
              ? "LOGICAL_DNS clusters must NOT have a custom resolver name set" : null));

  /** {@code EdsClusterFactory::createClusterImpl}. */
  static final Each<Cluster> EDS_CONFIG_REQUIRED = Each.rejects("source/extensions/clusters/eds/eds.cc:481-483",
      LoadedConfig::clusters, Each.reasonAt(Where.root().field("eds_cluster_config"),
          cluster -> isEds(cluster) && !cluster.hasEdsClusterConfig()
              ? "cannot create an EDS cluster without an EDS config" : null));

  /** {@code ClusterInfoImpl}: a cluster with {@code cluster_type} counts as STATIC here ({@code type()}'s default). */
  static final Each<Cluster> EDS_CONFIG_ONLY_FOR_EDS = Each.rejects(
      "source/common/upstream/upstream_impl.cc:1368-1373", LoadedConfig::clusters,
      Each.reasonAt(Where.root().field("eds_cluster_config"), cluster -> !isEds(cluster)
          && cluster.hasEdsClusterConfig() ? "eds_cluster_config set in a non-EDS cluster" : null));

  /**
   * {@code createProtocolOptionsConfig}: {@code typed_extension_protocol_options} are looked up by their key (a
   * factory name, not a type) and unpacked into that factory's type; under the key the translation uses, the value
   * must be an {@code HttpProtocolOptions} (or empty: then the unpack is skipped).
   */
  static final Each<Cluster> HTTP_PROTOCOL_OPTIONS_TYPE = Each.rejects(
      "source/common/upstream/upstream_impl.cc:84-117", LoadedConfig::clusters,
      Each.reasonAt(Where.root().entry("typed_extension_protocol_options", Names.UPSTREAM_HTTP_PROTOCOL_OPTIONS),
          cluster -> {
            Any options = cluster.getTypedExtensionProtocolOptionsMap().get(Names.UPSTREAM_HTTP_PROTOCOL_OPTIONS);
            String type = options == null ? "" : LoadedConfig.typeName(options);
            return options == null || options.getValue().isEmpty() || FilterFactories.typedStruct(type)
                || type.equals(FilterFactories.name(HttpProtocolOptions.class)) ? null
                : "Unable to unpack as " + FilterFactories.name(HttpProtocolOptions.class);
          }));

  /**
   * An EDS endpoint is an IP address: {@code EdsClusterImpl} resolves each with {@code resolveProtoAddress}
   * (eds.cc:158), and the IP resolver parses it with {@code inet_pton} (IPv4) or numeric-only {@code getaddrinfo}
   * (IPv6): network/utility.cc:110-163. Checked for endpoints without a {@code resolver_name}.
   */
  static final Each<LbEndpoint> EDS_ADDRESS_IS_IP = Each.rejects("source/common/upstream/upstream_impl.cc:1920-1937",
      LoadedConfig::edsEndpoints, Each.reasonAt(
          Where.root().field("endpoint").field("address").field("socket_address").field("address"), endpoint -> {
            SocketAddress socket = endpoint.getEndpoint().getAddress().getSocketAddress();
            return !endpoint.getEndpoint().getAddress().hasSocketAddress() || !socket.getResolverName().isEmpty()
                || isIp(socket.getAddress()) ? null : "malformed IP address: " + socket.getAddress()
                + ". Consider setting resolver_name or setting cluster type to 'STRICT_DNS' or 'LOGICAL_DNS'";
          }));

  /** Envoy finds the cluster factory by the type of {@code cluster_type.typed_config}, else by its name. */
  static boolean isAggregate(Cluster cluster) {
    if (!cluster.hasClusterType()) {
      return false;
    }
    Cluster.CustomClusterType type = cluster.getClusterType();
    return type.hasTypedConfig() && !type.getTypedConfig().getTypeUrl().isEmpty()
        ? LoadedConfig.holds(type.getTypedConfig(), ClusterConfig.class)
        : type.getName().equals(Names.AGGREGATE_CLUSTER);
  }

  /**
   * Whether the cluster's balancer is the cluster-provided one: {@code load_balancing_policy} wins over
   * {@code lb_policy} (upstream_impl.cc:1302-1316); of its policies llm-xds takes the first (Envoy, the first it has
   * a factory for).
   */
  private static boolean clusterProvided(Cluster cluster) {
    if (cluster.hasLoadBalancingPolicy()) {
      return cluster.getLoadBalancingPolicy().getPoliciesCount() > 0 && LoadedConfig.typeName(
          cluster.getLoadBalancingPolicy().getPolicies(0).getTypedExtensionConfig().getTypedConfig())
          .equals(CLUSTER_PROVIDED_POLICY);
    }
    return cluster.getLbPolicy() == Cluster.LbPolicy.CLUSTER_PROVIDED;
  }

  private static Where balancerField(Cluster cluster) {
    return Where.root().field(cluster.hasLoadBalancingPolicy() ? "load_balancing_policy" : "lb_policy");
  }

  private static boolean isEds(Cluster cluster) {
    return cluster.hasType() && cluster.getType() == Cluster.DiscoveryType.EDS;
  }

  private static boolean logicalDns(Cluster cluster) {
    return cluster.hasType() && cluster.getType() == Cluster.DiscoveryType.LOGICAL_DNS;
  }

  private static boolean oneHost(Cluster cluster) {
    ClusterLoadAssignment assignment = cluster.getLoadAssignment();
    return assignment.getEndpointsCount() == 1 && assignment.getEndpoints(0).getLbEndpointsCount() == 1;
  }

  /** What glibc's {@code inet_pton(AF_INET)} accepts: four decimal octets without leading zeros. */
  private static final Pattern IPV4 = Pattern.compile(
      "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])");

  static boolean isIp(String address) {
    if (IPV4.matcher(address).matches()) {
      return true;
    }
    if (address.indexOf(':') < 0 || address.startsWith("[")) {
      return false;
    }
    if (address.indexOf('%') >= 0) {
      return true; // a scope id names an interface of Envoy's host: not checked here
    }
    try {
      InetAddress.getByName(address); // with a ':' the text is parsed as an IPv6 literal, never looked up
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
