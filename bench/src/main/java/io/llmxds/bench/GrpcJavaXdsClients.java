package io.llmxds.bench;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.llmxds.cp.publish.XdsEventListener;
import io.llmxds.cp.publish.XdsNodeGroups;
import io.llmxds.cp.translate.Flavor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Real xDS clients: grpc-java's own (io.grpc:grpc-xds), one channel per model route dialled as {@code
 * xds:///<route>}, each with its own ADS stream (grpc-java keeps one xDS client per target). They get the proxyless
 * flavor (their user agent says gRPC). Their ACKs are observed where they arrive, on the server: an
 * {@link XdsEventListener} records, per stream, the last RDS version ACKed and when it arrived.
 *
 * <p>grpc-java reads its bootstrap once per JVM, so {@link #bootstrap(int)} must run before the first dial and every
 * control plane of the run must listen on that one port.
 */
final class GrpcJavaXdsClients implements XdsEventListener, AutoCloseable {
  static final String RDS = SimulatedEnvoy.RDS;

  /** An RDS version ACKed on a stream, and when the server received the ACK (System.nanoTime). */
  record Ack(String version, long nanos) {}

  private final List<ManagedChannel> channels = new ArrayList<>();
  private final Map<Long, Ack> acks = new ConcurrentHashMap<>();

  private GrpcJavaXdsClients() {}

  static void bootstrap(int xdsPort) {
    System.setProperty("io.grpc.xds.bootstrapConfig", """
        {"xds_servers": [{"server_uri": "127.0.0.1:%d", "channel_creds": [{"type": "insecure"}],
          "server_features": ["xds_v3"]}],
         "node": {"id": "grpc-java-bench", "cluster": "bench", "locality": {"region": "r1", "zone": "z1"}}}
        """.formatted(xdsPort));
  }

  /** Registers with {@code listeners} first (so no ACK is missed), then dials one channel per route. */
  static GrpcJavaXdsClients dial(java.util.function.Consumer<XdsEventListener> listeners, List<String> routes) {
    GrpcJavaXdsClients clients = new GrpcJavaXdsClients();
    listeners.accept(clients);
    for (String route : routes) {
      ManagedChannel channel = Grpc.newChannelBuilder("xds:///" + route, InsecureChannelCredentials.create()).build();
      // Channels are lazy: asking for a connection starts the xDS subscription (LDS → RDS → CDS → EDS).
      channel.getState(true);
      clients.channels.add(channel);
    }
    return clients;
  }

  int count() {
    return channels.size();
  }

  /** Has every client's stream ACKed RDS {@code version}? */
  boolean allAcked(String version) {
    return acks.size() >= channels.size() && acks.values().stream().allMatch(a -> a.version().equals(version));
  }

  /** When the last of the clients' ACKs arrived. */
  long lastAckNanos() {
    return acks.values().stream().mapToLong(Ack::nanos).max().orElseThrow();
  }

  @Override
  public void onRequest(long streamId, Node node, DiscoveryRequest request, boolean nack) {
    if (!nack && request.getTypeUrl().equals(RDS) && !request.getVersionInfo().isEmpty()
        && XdsNodeGroups.flavorOf(node) == Flavor.PROXYLESS) {
      acks.put(streamId, new Ack(request.getVersionInfo(), System.nanoTime()));
    }
  }

  @Override
  public void onStreamClose(long streamId, Node node) {
    acks.remove(streamId);
  }

  @Override
  public void close() throws InterruptedException {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
