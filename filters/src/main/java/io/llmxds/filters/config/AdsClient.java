package io.llmxds.filters.config;

import com.google.rpc.Code;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.llmxds.common.DataPathConfig;
import io.llmxds.common.tls.ReloadingTls;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The context service as an xDS client of the control plane (docs/data-path-config.md): one ADS stream, with the
 * node on its first request only, subscribed to CDS (wildcard), RDS ({@code llm-xds/context}) and SDS (the secrets
 * the clusters and the consumers name, re-subscribed when they change). An ACK carries the response's version and
 * nonce; a NACK the version applied before, the response's nonce and {@code error_detail} (INVALID_ARGUMENT, the
 * reason). A lost stream is opened again after a jittered backoff of at most 5 s, asking with the applied versions,
 * so that a restarted control plane serving the same content answers with the same versions. Everything runs on one
 * thread.
 */
public final class AdsClient implements AutoCloseable, ConfigApplier.Answers {
  private static final Logger log = LoggerFactory.getLogger(AdsClient.class);
  /** How long a response waits for the piece another type should deliver before it is NACKed. */
  public static final Duration WAIT_LIMIT = Duration.ofSeconds(30);

  private final XdsServerAddress server;
  private final Node node;
  private final Optional<ReloadingTls> tls;
  private final ManagedChannel channel;
  private final ScheduledExecutorService thread;
  private final ConfigApplier applier;
  private final ConfigMetrics metrics;
  private final ReconnectBackoff backoff = new ReconnectBackoff();
  private volatile XdsStatus status;
  private volatile boolean closed;
  private Stream stream;

  private AdsClient(XdsServerAddress server, Optional<ReloadingTls> tls, String nodeId, LiveSnapshot live,
      Duration waitLimit, ConfigMetrics metrics) {
    this.server = server;
    this.tls = tls;
    this.node = ContextServiceNode.of(nodeId);
    this.metrics = metrics;
    this.channel = XdsChannels.open(server, tls);
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "llm-xds-config");
      t.setDaemon(true);
      return t;
    });
    this.applier = new ConfigApplier(live, this, waitLimit, thread, applied -> {
      metrics.applied(applied);
      log.info("applied data-path config {}", applied.config());
    });
    this.status = new XdsStatus(server.toString(), "connecting", Optional.empty(), versions());
  }

  /**
   * Connects (in the background: the service runs its current snapshot until a config is applied).
   *
   * @param waitLimit how long a response may wait for what it needs ({@link #WAIT_LIMIT})
   */
  public static AdsClient start(XdsServerAddress server, String nodeId, LiveSnapshot live, Duration waitLimit,
      ConfigMetrics metrics) {
    return start(server, Optional.empty(), nodeId, live, waitLimit, metrics);
  }

  /**
   * As {@link #start(XdsServerAddress, String, LiveSnapshot, Duration, ConfigMetrics)}, over mutual TLS when
   * {@code tls} is present (the client owns it from now on). The control plane serves a node only the node id its
   * certificate names: {@code nodeId} must be a SAN of it (docs/xds-server.md, "Node identity").
   */
  public static AdsClient start(XdsServerAddress server, Optional<ReloadingTls> tls, String nodeId,
      LiveSnapshot live, Duration waitLimit, ConfigMetrics metrics) {
    AdsClient client = new AdsClient(server, tls, nodeId, live, waitLimit, metrics);
    client.thread.execute(client::connect);
    return client;
  }

  public XdsStatus status() {
    return status;
  }

  private void connect() {
    if (closed) {
      return;
    }
    // The channel backs off on its own (up to 2 minutes); this client's backoff decides instead.
    channel.resetConnectBackoff();
    Stream opened = new Stream();
    stream = opened;
    opened.requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(opened);
    opened.subscribe(ResourceType.CDS, List.of());
    opened.subscribe(ResourceType.RDS, List.of(DataPathConfig.ROUTE_CONFIGURATION));
    subscribeToSecrets();
  }

  private void received(Stream from, DiscoveryResponse response) {
    if (from != stream || closed) {
      return;
    }
    if (!from.delivered) {
      from.delivered = true;
      backoff.reset();
      log.info("connected to the control plane at {}", server);
    }
    Optional<ResourceType> type = ResourceType.of(response.getTypeUrl());
    if (type.isEmpty()) {
      log.warn("ignoring a response of type {}, which this service never asked for", response.getTypeUrl());
      return;
    }
    from.nonces.put(type.get(), response.getNonce());
    applier.received(type.get(), response);
    subscribeToSecrets();
    status = new XdsStatus(server.toString(), "connected", Optional.empty(), versions());
  }

  /**
   * SDS names the secrets the newest clusters and consumers name; none is no subscription (an empty list would be
   * all).
   */
  private void subscribeToSecrets() {
    List<String> names = List.copyOf(applier.secretNames());
    if (!names.isEmpty() && !names.equals(stream.names.get(ResourceType.SDS))) {
      stream.subscribe(ResourceType.SDS, names);
    }
  }

  private void ended(Stream lost, String reason) {
    if (lost != stream || closed) {
      return;
    }
    stream = null;
    applier.streamLost();
    Duration delay = backoff.next();
    metrics.reconnect();
    status = new XdsStatus(server.toString(), "reconnecting", Optional.of(reason), versions());
    log.warn("lost the ADS stream to {} ({}); reconnecting in {} ms", server, reason, delay.toMillis());
    thread.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void ack(ResourceType type, String version, String nonce) {
    metrics.ack(type);
    stream.send(type, version, nonce, Optional.empty());
  }

  @Override
  public void nack(ResourceType type, String nonce, String message) {
    metrics.nack(type);
    stream.send(type, applier.appliedVersion(type), nonce, Optional.of(message));
  }

  private Map<ResourceType, String> versions() {
    Map<ResourceType, String> versions = new EnumMap<>(ResourceType.class);
    for (ResourceType type : ResourceType.values()) {
      versions.put(type, applier.appliedVersion(type));
    }
    return versions;
  }

  @Override
  public void close() {
    closed = true;
    channel.shutdownNow();
    thread.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    tls.ifPresent(ReloadingTls::close);
  }

  /** One ADS stream: its nonces and subscriptions are its own, and the node goes on its first request. */
  private final class Stream implements StreamObserver<DiscoveryResponse> {
    private final Map<ResourceType, String> nonces = new EnumMap<>(ResourceType.class);
    private final Map<ResourceType, List<String>> names = new EnumMap<>(ResourceType.class);
    private StreamObserver<DiscoveryRequest> requests;
    private boolean nodeSent;
    private boolean delivered;

    void subscribe(ResourceType type, List<String> resourceNames) {
      names.put(type, resourceNames);
      send(type, applier.appliedVersion(type), nonces.getOrDefault(type, ""), Optional.empty());
    }

    void send(ResourceType type, String version, String nonce, Optional<String> error) {
      DiscoveryRequest.Builder request = DiscoveryRequest.newBuilder()
          .setTypeUrl(type.typeUrl())
          .addAllResourceNames(names.getOrDefault(type, List.of()))
          .setVersionInfo(version)
          .setResponseNonce(nonce);
      error.ifPresent(message -> request.setErrorDetail(com.google.rpc.Status.newBuilder()
          .setCode(Code.INVALID_ARGUMENT_VALUE).setMessage(message)));
      if (!nodeSent) {
        request.setNode(node);
        nodeSent = true;
      }
      requests.onNext(request.build());
    }

    @Override
    public void onNext(DiscoveryResponse response) {
      runOnThread(() -> received(this, response));
    }

    @Override
    public void onError(Throwable t) {
      Status status = Status.fromThrowable(t);
      String reason = status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
      runOnThread(() -> ended(this, reason));
    }

    @Override
    public void onCompleted() {
      runOnThread(() -> ended(this, "the control plane ended the stream"));
    }
  }

  /** After close the thread takes no tasks, and there is nothing left to do. */
  private void runOnThread(Runnable task) {
    try {
      thread.execute(task);
    } catch (RejectedExecutionException closing) {
      // closed meanwhile
    }
  }
}
