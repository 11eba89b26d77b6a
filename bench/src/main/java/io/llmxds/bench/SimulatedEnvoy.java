package io.llmxds.bench;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * One simulated Envoy on one state-of-the-world ADS stream, behaving like Envoy does: the node goes on the first
 * request only; it subscribes to CDS and LDS as wildcards, then to EDS for the EDS clusters CDS named and to RDS for
 * the route configs the listeners' HTTP connection managers named; it ACKs every response with its version and
 * nonce. It records when it ACKed each RDS version (that ACK is what the propagation benchmark waits for). Unlike
 * Envoy it does not decode the resources of later responses (see {@link HeaderOnlyResponses}).
 */
final class SimulatedEnvoy implements StreamObserver<DiscoveryResponse> {
  static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
  static final String EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
  static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
  static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
  /** Node ids are this and a number. */
  static final String ID_PREFIX = "envoy-";

  /**
   * An RDS version and when it was ACKed: System.nanoTime for this process's own clocks, and epoch microseconds for
   * another process on the same machine (the scale benchmark's fleet runs apart from the server).
   */
  record Ack(String version, long nanos, long epochMicros) {}

  /**
   * {@code -Dsimulated.envoy.decode=full} decodes every response whole, as the first version of this benchmark did;
   * by default only what an ACK needs is decoded (see {@link HeaderOnlyResponses}).
   */
  private static final boolean DECODE_FULL = "full".equals(System.getProperty("simulated.envoy.decode"));

  private final Node node;
  private final StreamObserver<DiscoveryRequest> requests;
  private boolean nodeSent;
  /**
   * The EDS and RDS names subscribed to (null until subscribed); ACKs repeat them, like Envoy's. Volatile: the
   * response decoder (a transport thread) reads them to decide whether it needs the resources.
   */
  private volatile List<String> edsNames;
  private volatile List<String> rdsNames;
  private volatile Ack lastRdsAck = new Ack("", 0, 0);
  /** Every RDS version ACKed, in order (the fleet checks it never goes back to an older one). */
  private final List<Ack> rdsAcks = new ArrayList<>();
  private final LongAdder bytesReceived = new LongAdder();
  private volatile Throwable failure;

  private SimulatedEnvoy(String id, ManagedChannel channel) {
    this.node = Node.newBuilder().setId(id).setCluster("bench").setUserAgentName("envoy").build();
    MethodDescriptor<DiscoveryRequest, DiscoveryResponse> ads = AggregatedDiscoveryServiceGrpc
        .getStreamAggregatedResourcesMethod().toBuilder(ProtoUtils.marshaller(DiscoveryRequest.getDefaultInstance()),
            new HeaderOnlyResponses(this::wantsResources, bytesReceived))
        .build();
    this.requests = ClientCalls.asyncBidiStreamingCall(channel.newCall(ads, CallOptions.DEFAULT), this);
  }

  /** The names of EDS and RDS come from the first CDS and LDS answers; the benchmark never changes CDS or LDS. */
  private boolean wantsResources() {
    return DECODE_FULL || edsNames == null || rdsNames == null;
  }

  static SimulatedEnvoy connect(String id, ManagedChannel channel) {
    SimulatedEnvoy envoy = new SimulatedEnvoy(id, channel);
    synchronized (envoy) {
      envoy.send(DiscoveryRequest.newBuilder().setTypeUrl(CDS));
      envoy.send(DiscoveryRequest.newBuilder().setTypeUrl(LDS));
    }
    return envoy;
  }

  Ack lastRdsAck() {
    return lastRdsAck;
  }

  /** The RDS versions ACKed so far, oldest first. */
  synchronized List<Ack> rdsAcks() {
    return List.copyOf(rdsAcks);
  }

  /** Bytes of every response received so far, as they came off the stream. */
  long bytesReceived() {
    return bytesReceived.sum();
  }

  Throwable failure() {
    return failure;
  }

  void close() {
    synchronized (this) {
      requests.onCompleted();
    }
  }

  @Override
  public synchronized void onNext(DiscoveryResponse response) {
    String type = response.getTypeUrl();
    List<String> names = switch (type) {
      case EDS -> edsNames;
      case RDS -> rdsNames;
      default -> List.of();
    };
    send(DiscoveryRequest.newBuilder().setTypeUrl(type).setVersionInfo(response.getVersionInfo())
        .setResponseNonce(response.getNonce()).addAllResourceNames(names));
    if (type.equals(RDS)) {
      Instant now = Instant.now();
      lastRdsAck = new Ack(response.getVersionInfo(), System.nanoTime(),
          now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000);
      rdsAcks.add(lastRdsAck);
    }
    // The first CDS/LDS answer opens EDS/RDS for what it names. The benchmark's changes never touch CDS or LDS, so
    // the re-subscription Envoy does when those change is left out.
    if (type.equals(CDS) && edsNames == null) {
      edsNames = edsClusters(response);
      send(DiscoveryRequest.newBuilder().setTypeUrl(EDS).addAllResourceNames(edsNames));
    } else if (type.equals(LDS) && rdsNames == null) {
      rdsNames = routeConfigs(response);
      send(DiscoveryRequest.newBuilder().setTypeUrl(RDS).addAllResourceNames(rdsNames));
    }
  }

  @Override
  public void onError(Throwable t) {
    failure = t;
  }

  @Override
  public void onCompleted() {}

  private void send(DiscoveryRequest.Builder request) {
    if (!nodeSent) {
      request.setNode(node);
      nodeSent = true;
    }
    requests.onNext(request.build());
  }

  private static List<String> edsClusters(DiscoveryResponse response) {
    List<String> names = new ArrayList<>();
    for (Any any : response.getResourcesList()) {
      Cluster cluster = unpack(any, Cluster.class);
      if (cluster.getType() == Cluster.DiscoveryType.EDS) {
        String service = cluster.getEdsClusterConfig().getServiceName();
        names.add(service.isEmpty() ? cluster.getName() : service);
      }
    }
    return names;
  }

  private static List<String> routeConfigs(DiscoveryResponse response) {
    List<String> names = new ArrayList<>();
    for (Any any : response.getResourcesList()) {
      Listener listener = unpack(any, Listener.class);
      List<FilterChain> chains = new ArrayList<>(listener.getFilterChainsList());
      chains.add(listener.getDefaultFilterChain());
      for (FilterChain chain : chains) {
        for (Filter filter : chain.getFiltersList()) {
          if (filter.getTypedConfig().is(HttpConnectionManager.class)) {
            HttpConnectionManager hcm = unpack(filter.getTypedConfig(), HttpConnectionManager.class);
            if (hcm.hasRds()) {
              names.add(hcm.getRds().getRouteConfigName());
            }
          }
        }
      }
    }
    return names;
  }

  private static <T extends com.google.protobuf.Message> T unpack(Any any, Class<T> type) {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new UncheckedIOException(e);
    }
  }
}
