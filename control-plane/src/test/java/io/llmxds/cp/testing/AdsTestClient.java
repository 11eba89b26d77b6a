package io.llmxds.cp.testing;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.Code;
import com.google.rpc.Status;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.clusters.aggregate.v3.ClusterConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An ADS client on one state-of-the-world stream that sends its node only on the first request and ACKs every
 * response, or NACKs the versions it is told to reject. Thread-safe. It behaves like one of two clients:
 *
 * <ul>
 *   <li>Envoy ({@link #connect}): subscribes to all clusters and listeners (wildcard), then to the endpoints of its
 *       EDS clusters and the route configurations its listeners name, and to all secrets (wildcard: this client has
 *       no transport sockets to name them);
 *   <li>a gRPC xDS client ({@link #connectByName}): subscribes to the listeners it dials by name, then by name to
 *       what they reference: route configurations, the clusters of their routes (and of aggregate clusters), the
 *       endpoints of EDS clusters; never to secrets.
 * </ul>
 */
public final class AdsTestClient implements AutoCloseable {

  public static final String CDS = Resources.V3.CLUSTER_TYPE_URL;
  public static final String EDS = Resources.V3.ENDPOINT_TYPE_URL;
  public static final String LDS = Resources.V3.LISTENER_TYPE_URL;
  public static final String RDS = Resources.V3.ROUTE_TYPE_URL;
  public static final String SDS = Resources.V3.SECRET_TYPE_URL;

  /** One response as received. */
  public record Received(String typeUrl, String version, String nonce, List<String> resourceNames) {}

  private record Rejection(String typeUrl, String version) {}

  private final ManagedChannel channel;
  private final Node node;
  private final StreamObserver<DiscoveryRequest> requests;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<DiscoveryRequest> sent = new CopyOnWriteArrayList<>();
  private volatile Throwable streamError;

  // Guarded by this: the stream state the next request is built from.
  private final Map<String, String> ackedVersions = new HashMap<>();
  private final Map<String, List<Any>> ackedResources = new HashMap<>();
  private final Map<String, String> lastNonces = new HashMap<>();
  private final Map<String, List<String>> subscriptions = new HashMap<>();
  private final Map<Rejection, String> rejections = new HashMap<>();
  /** Null for an Envoy-like client (wildcard CDS); the clusters subscribed to by name otherwise. */
  private final Set<String> clusterNames;

  private AdsTestClient(ManagedChannel channel, Node node, boolean byName) {
    this.node = node;
    this.clusterNames = byName ? new TreeSet<>() : null;
    this.channel = channel;
    this.requests =
        AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new Responses());
  }

  /** Connects as node ({@code id}, {@code cluster}) and subscribes to clusters, listeners and secrets. */
  public static AdsTestClient connect(int port, String id, String cluster) {
    return connect(port, Node.newBuilder().setId(id).setCluster(cluster).build());
  }

  /** Connects like Envoy as {@code node} (which may carry a user agent and metadata). */
  public static AdsTestClient connect(int port, Node node) {
    return connect(plaintext(port), node);
  }

  /** Connects like Envoy as {@code node} over {@code credentials} (TLS) to {@code 127.0.0.1:port}. */
  public static AdsTestClient connect(int port, ChannelCredentials credentials, Node node) {
    return connect(NettyChannelBuilder.forAddress("127.0.0.1", port, credentials).build(), node);
  }

  private static AdsTestClient connect(ManagedChannel channel, Node node) {
    AdsTestClient client = new AdsTestClient(channel, node, false);
    synchronized (client) {
      client.subscribe(CDS, List.of());
      client.subscribe(LDS, List.of());
      client.subscribe(SDS, List.of());
    }
    return client;
  }

  /** Connects like a gRPC xDS client as {@code node}, dialing {@code listeners} ({@code xds:///<listener>}). */
  public static AdsTestClient connectByName(int port, Node node, List<String> listeners) {
    AdsTestClient client = new AdsTestClient(plaintext(port), node, true);
    synchronized (client) {
      client.subscribe(LDS, listeners.stream().sorted().toList());
    }
    return client;
  }

  private static ManagedChannel plaintext(int port) {
    return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  /** A node as grpc-java announces itself: {@code user_agent_name} "gRPC Java". */
  public static Node grpcJavaNode(String id) {
    return Node.newBuilder().setId(id).setCluster("grpc").setUserAgentName("gRPC Java")
        .setUserAgentVersion("1.85.1").build();
  }

  /** From now on, answers a response of {@code typeUrl} at {@code version} with a NACK carrying {@code reason}. */
  public synchronized void rejectVersion(String typeUrl, String version, String reason) {
    rejections.put(new Rejection(typeUrl, version), reason);
  }

  public Node node() {
    return node;
  }

  public List<Received> received(String typeUrl) {
    return received.stream().filter(r -> r.typeUrl().equals(typeUrl)).toList();
  }

  public int count(String typeUrl) {
    return received(typeUrl).size();
  }

  /** Response counts per type URL, for "nothing else arrived" checks. */
  public Map<String, Integer> counts() {
    Map<String, Integer> counts = new HashMap<>();
    for (String typeUrl : List.of(CDS, EDS, LDS, RDS, SDS)) {
      counts.put(typeUrl, count(typeUrl));
    }
    return counts;
  }

  public synchronized Map<String, String> ackedVersions() {
    return Map.copyOf(ackedVersions);
  }

  public synchronized Optional<String> ackedVersion(String typeUrl) {
    return Optional.ofNullable(ackedVersions.get(typeUrl));
  }

  /** The resources of the last {@code typeUrl} response this client ACKed: what an Envoy would be running. */
  public synchronized <T extends Message> List<T> acked(String typeUrl, Class<T> type) {
    return ackedResources.getOrDefault(typeUrl, List.of()).stream().map(any -> unpack(any, type)).toList();
  }

  public List<DiscoveryRequest> sent() {
    return List.copyOf(sent);
  }

  public Optional<Throwable> streamError() {
    return Optional.ofNullable(streamError);
  }

  @Override
  public void close() {
    synchronized (this) {
      requests.onCompleted();
    }
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Responses implements StreamObserver<DiscoveryResponse> {
    @Override
    public void onNext(DiscoveryResponse response) {
      handle(response);
    }

    @Override
    public void onError(Throwable t) {
      streamError = t;
    }

    @Override
    public void onCompleted() {}
  }

  private synchronized void handle(DiscoveryResponse response) {
    String typeUrl = response.getTypeUrl();
    List<Any> resources = response.getResourcesList();
    received.add(new Received(typeUrl, response.getVersionInfo(), response.getNonce(), names(typeUrl, resources)));
    lastNonces.put(typeUrl, response.getNonce());
    String reason = rejections.get(new Rejection(typeUrl, response.getVersionInfo()));
    DiscoveryRequest.Builder answer = request(typeUrl, subscriptions.getOrDefault(typeUrl, List.of()));
    if (reason == null) {
      ackedVersions.put(typeUrl, response.getVersionInfo());
      ackedResources.put(typeUrl, resources);
      send(answer.setVersionInfo(response.getVersionInfo()));
    } else {
      send(answer.setErrorDetail(Status.newBuilder().setCode(Code.INVALID_ARGUMENT_VALUE).setMessage(reason)));
    }
    // Like Envoy and gRPC: clusters and listeners lead to subscriptions to what they reference; by name, routes and
    // aggregate clusters lead to the clusters they name.
    if (typeUrl.equals(CDS)) {
      subscribeToClusters(aggregateChildren(resources));
      subscribe(EDS, edsServiceNames(resources));
    } else if (typeUrl.equals(LDS)) {
      subscribe(RDS, routeConfigNames(resources));
    } else if (typeUrl.equals(RDS)) {
      subscribeToClusters(routeClusters(resources));
    }
  }

  private void subscribeToClusters(List<String> names) {
    if (clusterNames != null) {
      clusterNames.addAll(names);
      subscribe(CDS, List.copyOf(clusterNames));
    }
  }

  private void subscribe(String typeUrl, List<String> names) {
    if (!names.equals(subscriptions.get(typeUrl))) {
      subscriptions.put(typeUrl, names);
      send(request(typeUrl, names));
    }
  }

  /** A request carrying the stream state of {@code typeUrl}: the version in use and the last nonce seen. */
  private DiscoveryRequest.Builder request(String typeUrl, List<String> names) {
    return DiscoveryRequest.newBuilder()
        .setTypeUrl(typeUrl)
        .addAllResourceNames(names)
        .setVersionInfo(ackedVersions.getOrDefault(typeUrl, ""))
        .setResponseNonce(lastNonces.getOrDefault(typeUrl, ""));
  }

  private void send(DiscoveryRequest.Builder request) {
    if (sent.isEmpty()) {
      request.setNode(node); // only on the first request, like grpc xDS clients
    }
    DiscoveryRequest built = request.build();
    sent.add(built);
    requests.onNext(built);
  }

  private static List<String> names(String typeUrl, List<Any> resources) {
    return resources.stream().map(any -> name(typeUrl, any)).toList();
  }

  private static String name(String typeUrl, Any any) {
    return switch (typeUrl) {
      case CDS -> unpack(any, Cluster.class).getName();
      case EDS -> unpack(any, ClusterLoadAssignment.class).getClusterName();
      case LDS -> unpack(any, Listener.class).getName();
      case RDS -> unpack(any, RouteConfiguration.class).getName();
      case SDS -> unpack(any, Secret.class).getName();
      default -> throw new IllegalArgumentException("unexpected type " + typeUrl);
    };
  }

  private static List<String> edsServiceNames(List<Any> clusters) {
    return clusters.stream()
        .map(any -> unpack(any, Cluster.class))
        .filter(c -> c.getType() == Cluster.DiscoveryType.EDS)
        .map(c -> c.getEdsClusterConfig().getServiceName().isEmpty()
            ? c.getName()
            : c.getEdsClusterConfig().getServiceName())
        .sorted()
        .toList();
  }

  /** The RDS names of the listeners' HttpConnectionManagers, in filter chains (Envoy) or api listeners (gRPC). */
  private static List<String> routeConfigNames(List<Any> listeners) {
    List<Any> hcms = new ArrayList<>();
    for (Any any : listeners) {
      Listener listener = unpack(any, Listener.class);
      if (listener.hasApiListener()) {
        hcms.add(listener.getApiListener().getApiListener());
      }
      for (FilterChain chain : listener.getFilterChainsList()) {
        chain.getFiltersList().forEach(filter -> hcms.add(filter.getTypedConfig()));
      }
    }
    return hcms.stream()
        .filter(config -> config.is(HttpConnectionManager.class))
        .map(config -> unpack(config, HttpConnectionManager.class))
        .filter(HttpConnectionManager::hasRds)
        .map(hcm -> hcm.getRds().getRouteConfigName())
        .distinct().sorted().toList();
  }

  private static List<String> routeClusters(List<Any> routeConfigurations) {
    return routeConfigurations.stream()
        .map(any -> unpack(any, RouteConfiguration.class))
        .flatMap(config -> config.getVirtualHostsList().stream())
        .flatMap(host -> host.getRoutesList().stream())
        .flatMap(route -> route.getRoute().hasWeightedClusters()
            ? route.getRoute().getWeightedClusters().getClustersList().stream().map(w -> w.getName())
            : Stream.of(route.getRoute().getCluster()).filter(c -> !c.isEmpty()))
        .toList();
  }

  private static List<String> aggregateChildren(List<Any> clusters) {
    return clusters.stream()
        .map(any -> unpack(any, Cluster.class))
        .filter(c -> c.getClusterType().getTypedConfig().is(ClusterConfig.class))
        .flatMap(c -> unpack(c.getClusterType().getTypedConfig(), ClusterConfig.class).getClustersList().stream())
        .toList();
  }

  private static <T extends Message> T unpack(Any any, Class<T> type) {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("server sent a malformed " + type.getSimpleName(), e);
    }
  }
}
