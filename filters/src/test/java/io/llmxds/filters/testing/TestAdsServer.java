package io.llmxds.filters.testing;

import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.llmxds.filters.config.ResourceType;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A control plane's ADS port for one test, serving hand-built data-path resources on loopback and recording every
 * request. It answers as java-control-plane's server with llm-xds's watcher does (docs/data-path-config.md,
 * DESIGN.md "NACK resend storm"): per stream and type one response at a time, the next only once the client answered
 * the last; a type's first request on a stream is answered with what it serves, whatever version the client names
 * (so a restarted server re-sends the same versions); a request with another nonce than the last response's is
 * stale and ignored; a NACKed version is not sent again until the type has another; named subscriptions (RDS, SDS)
 * get only what they name, and nothing until all of it exists.
 */
public final class TestAdsServer implements AutoCloseable {

  /** One request as received; {@code node} only where the client sent it. */
  public record Request(int stream, ResourceType type, String version, String nonce, List<String> names,
      Optional<String> error, Optional<Node> node) {
    public boolean isAck() {
      return error.isEmpty();
    }
  }

  private record Served(String version, List<Message> resources) {}

  private record Sent(ResourceType type, String version) {}

  private int port;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  // Guarded by this.
  private final Map<ResourceType, Served> served = new EnumMap<>(ResourceType.class);
  private final List<Stream> streams = new ArrayList<>();
  /** Every stream ever opened, the closed ones too: their answers are still looked up. */
  private final List<Stream> everStream = new ArrayList<>();
  private int nextStream;
  private int nextNonce;
  private Server server;

  private TestAdsServer() {}

  /** On a loopback port the OS chooses. */
  public static TestAdsServer start() throws IOException {
    TestAdsServer ads = new TestAdsServer();
    ads.server = ads.listen(0);
    ads.port = ads.server.getPort();
    return ads;
  }

  public int port() {
    return port;
  }

  /** Serves {@code config}: every type at its version. */
  public void serve(TestDataPath.Config config) {
    serve(ResourceType.CDS, config.version(), config.clusters());
    serve(ResourceType.RDS, config.version(), List.of(config.table()));
    if (!config.secrets().isEmpty()) {
      serve(ResourceType.SDS, config.version(), config.secrets());
    }
  }

  /** Serves {@code resources} of {@code type} at {@code version}, sending them to every stream that can take them. */
  public synchronized void serve(ResourceType type, String version, List<? extends Message> resources) {
    served.put(type, new Served(version, List.copyOf(resources)));
    streams.forEach(stream -> stream.maybeSend(type));
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public List<Request> requests(ResourceType type) {
    return requests.stream().filter(r -> r.type() == type).toList();
  }

  /** The client's answer to {@code type} at {@code version}, once it came: an ACK naming it, or a NACK of it. */
  public Request awaitAnswer(ResourceType type, String version) {
    return await().atMost(Duration.ofSeconds(20)).until(() -> answer(type, version), Optional::isPresent).get();
  }

  /** Waits until the client ACKed {@code config} (every type it has). */
  public void awaitAcked(TestDataPath.Config config) {
    for (ResourceType type : config.secrets().isEmpty() ? List.of(ResourceType.CDS, ResourceType.RDS)
        : List.of(ResourceType.values())) {
      Request answer = awaitAnswer(type, config.version());
      if (!answer.isAck()) {
        throw new AssertionError(type + " version " + config.version() + " was NACKed: " + answer.error().get());
      }
    }
  }

  private synchronized Optional<Request> answer(ResourceType type, String version) {
    for (Stream stream : everStream) {
      Optional<String> nonce = stream.nonceOf(type, version);
      if (nonce.isPresent()) {
        Optional<Request> answer = requests.stream()
            .filter(r -> r.stream() == stream.id && r.type() == type && r.nonce().equals(nonce.get()))
            .findFirst();
        if (answer.isPresent()) {
          return answer;
        }
      }
    }
    return Optional.empty();
  }

  /** Stops serving: every stream fails, as when the control plane goes down. */
  public synchronized void stop() throws InterruptedException {
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    streams.clear();
  }

  /** Serves again on the same port, the same resources at the same versions. */
  public synchronized void restart() throws IOException {
    server = listen(port);
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Server listen(int onPort) throws IOException {
    return NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort))
        .addService(new Ads())
        .build()
        .start();
  }

  private final class Ads extends AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase {
    @Override
    public StreamObserver<DiscoveryRequest> streamAggregatedResources(StreamObserver<DiscoveryResponse> responses) {
      synchronized (TestAdsServer.this) {
        Stream stream = new Stream(nextStream++, responses);
        streams.add(stream);
        everStream.add(stream);
        return stream;
      }
    }
  }

  /** What one stream asked for and was sent, per type. */
  private final class Stream implements StreamObserver<DiscoveryRequest> {
    private final int id;
    private final StreamObserver<DiscoveryResponse> responses;
    private final Map<ResourceType, List<String>> names = new EnumMap<>(ResourceType.class);
    private final Map<ResourceType, String> lastNonce = new EnumMap<>(ResourceType.class);
    private final Map<ResourceType, String> lastVersion = new EnumMap<>(ResourceType.class);
    private final Map<ResourceType, List<String>> lastNames = new EnumMap<>(ResourceType.class);
    private final Map<ResourceType, Boolean> awaitingAnswer = new EnumMap<>(ResourceType.class);
    private final Map<ResourceType, String> nacked = new EnumMap<>(ResourceType.class);
    private final Map<String, Sent> sent = new java.util.HashMap<>();

    Stream(int id, StreamObserver<DiscoveryResponse> responses) {
      this.id = id;
      this.responses = responses;
    }

    @Override
    public void onNext(DiscoveryRequest request) {
      ResourceType type = typeOf(request.getTypeUrl());
      requests.add(new Request(id, type, request.getVersionInfo(), request.getResponseNonce(),
          request.getResourceNamesList(),
          request.hasErrorDetail() ? Optional.of(request.getErrorDetail().getMessage()) : Optional.empty(),
          request.hasNode() ? Optional.of(request.getNode()) : Optional.empty()));
      synchronized (TestAdsServer.this) {
        String nonce = request.getResponseNonce();
        if (!nonce.isEmpty() && !nonce.equals(lastNonce.get(type))) {
          return; // stale: an answer to a response this stream has since replaced
        }
        awaitingAnswer.put(type, false);
        names.put(type, request.getResourceNamesList());
        if (request.hasErrorDetail()) {
          nacked.put(type, lastVersion.get(type));
        }
        maybeSend(type);
      }
    }

    /** Sends what {@code type} serves now, if the client may take it and does not have it. */
    void maybeSend(ResourceType type) {
      Served current = served.get(type);
      List<String> wanted = names.get(type);
      if (current == null || wanted == null || awaitingAnswer.getOrDefault(type, false)
          || current.version().equals(nacked.get(type))
          || (current.version().equals(lastVersion.get(type)) && wanted.equals(lastNames.get(type)))) {
        return;
      }
      List<Message> resources = wanted.isEmpty() ? current.resources()
          : current.resources().stream().filter(r -> wanted.contains(name(r))).toList();
      if (!wanted.isEmpty() && resources.size() < wanted.size()) {
        return;
      }
      String nonce = Integer.toString(++nextNonce);
      lastNonce.put(type, nonce);
      lastVersion.put(type, current.version());
      lastNames.put(type, wanted);
      awaitingAnswer.put(type, true);
      sent.put(nonce, new Sent(type, current.version()));
      responses.onNext(DiscoveryResponse.newBuilder().setTypeUrl(type.typeUrl()).setVersionInfo(current.version())
          .setNonce(nonce).addAllResources(resources.stream().map(Any::pack).toList()).build());
    }

    /** The nonce of the last response of {@code type} at {@code version} this stream was sent. */
    Optional<String> nonceOf(ResourceType type, String version) {
      return sent.entrySet().stream().filter(e -> e.getValue().equals(new Sent(type, version)))
          .map(Map.Entry::getKey).max(java.util.Comparator.comparingInt(Integer::parseInt));
    }

    @Override
    public void onError(Throwable t) {
      forget();
    }

    @Override
    public void onCompleted() {
      forget();
      responses.onCompleted();
    }

    private void forget() {
      synchronized (TestAdsServer.this) {
        streams.remove(this);
      }
    }
  }

  private static ResourceType typeOf(String typeUrl) {
    return java.util.Arrays.stream(ResourceType.values()).filter(t -> t.typeUrl().equals(typeUrl)).findFirst()
        .orElseThrow(() -> new AssertionError("the context service asked for " + typeUrl));
  }

  private static String name(Message resource) {
    if (resource instanceof Cluster cluster) {
      return cluster.getName();
    }
    if (resource instanceof RouteConfiguration table) {
      return table.getName();
    }
    return ((Secret) resource).getName();
  }
}
