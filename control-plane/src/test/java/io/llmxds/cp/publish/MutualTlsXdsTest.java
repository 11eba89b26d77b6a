package io.llmxds.cp.publish;

import static io.llmxds.cp.testing.AdsTestClient.SDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.secret.v3.SecretDiscoveryServiceGrpc;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.llmxds.common.testing.TestPki;
import io.llmxds.common.tls.ReloadingTls;
import io.llmxds.common.tls.TlsFiles;
import io.llmxds.cp.observe.SpanAttributes;
import io.llmxds.cp.observe.StreamRefusals;
import io.llmxds.cp.testing.AdsTestClient;
import io.llmxds.cp.testing.TestTelemetry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The xDS server with mutual TLS on a loopback port: certificates from a throw-away CA, real gRPC clients. */
class MutualTlsXdsTest {
  private static final Duration PATIENCE = Duration.ofSeconds(10);
  /** How long "nothing arrives" is watched for. */
  private static final Duration QUIET = Duration.ofMillis(750);
  private static final Duration CHECK_PERIOD = Duration.ofMillis(100);

  @TempDir
  Path dir;

  private TestPki ca;
  private TlsFiles serverFiles;
  private XdsServer server;
  private PublishedSnapshot published;
  private final RecordingListener events = new RecordingListener();
  private final TestTelemetry telemetry = new TestTelemetry();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<AutoCloseable> opened = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    ca = TestPki.create(dir, "ca");
    serverFiles = TestPki.install(ca.issue("control-plane", "IP:127.0.0.1", "DNS:localhost"), dir.resolve("live"));
    server = XdsServer.start("127.0.0.1", 0, Optional.of(ReloadingTls.forServer(serverFiles, CHECK_PERIOD)));
    server.addListener(events);
    server.addListener(new StreamRefusals(telemetry.telemetry().tracer(), meters));
    published = server.publish("v1", TestResources.asEveryFlavor(TestResources.withRouteTimeout(30)))
        .get(PATIENCE.toSeconds(), TimeUnit.SECONDS).edge();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
    server.close();
    telemetry.close();
  }

  @Test
  void aClientWithoutACertificateFailsTheHandshakeAndGetsNothing() throws Exception {
    ChannelCredentials noCertificate = TlsChannelCredentials.newBuilder().trustManager(ca.ca().toFile()).build();
    AdsTestClient client = open(AdsTestClient.connect(server.port(), noCertificate, node("edge-a")));

    await().atMost(PATIENCE).until(() -> client.streamError().isPresent());
    assertThat(Status.fromThrowable(client.streamError().get()).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    await().during(QUIET).atMost(PATIENCE).until(() -> client.counts().values().stream().allMatch(n -> n == 0));
    assertThat(events.requests()).isEmpty();
  }

  @Test
  void aCertificateOfAnotherNodeIsRefusedBeforeAnythingIsSent() throws Exception {
    ChannelCredentials nodeB = credentials(ca.issue("edge-b", "URI:spiffe://llm-xds/node/edge-b", "DNS:edge-b"));
    AdsTestClient client = open(AdsTestClient.connect(server.port(), nodeB, node("edge-a")));

    await().atMost(PATIENCE).until(() -> client.streamError().isPresent());
    Status status = Status.fromThrowable(client.streamError().get());
    assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(status.getDescription()).isEqualTo("node id \"edge-a\" is not an identity of the client certificate"
        + " [URI:spiffe://llm-xds/node/edge-b, DNS:edge-b]: it needs the SAN URI:spiffe://llm-xds/node/edge-a or"
        + " DNS:edge-a");
    await().during(QUIET).atMost(PATIENCE).until(() -> client.counts().values().stream().allMatch(n -> n == 0));
    assertThat(events.requests()).isEmpty();

    // The client pipelines three requests; one that gRPC still delivers after the refusal is refused too (no node).
    List<SpanData> refused = telemetry.spans(SpanAttributes.REFUSED_SPAN).stream()
        .filter(span -> "node_mismatch".equals(span.getAttributes().get(SpanAttributes.REFUSAL_REASON)))
        .toList();
    assertThat(refused).hasSize(1);
    assertThat(refused.get(0).getAttributes().get(SpanAttributes.NODE_ID)).isEqualTo("edge-a");
    assertThat(refused.get(0).getAttributes().get(SpanAttributes.PEER_SANS))
        .containsExactly("URI:spiffe://llm-xds/node/edge-b", "DNS:edge-b");
    assertThat(refused.get(0).getAttributes().get(SpanAttributes.REFUSAL_REASON)).isEqualTo("node_mismatch");
    assertThat(meters.get("llm_xds.xds.streams.refused").tag("reason", "node_mismatch").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void theSdsRequestForTheProviderCredentialGetsNothingUnderAnotherNodesCertificate() throws Exception {
    ChannelCredentials nodeB = credentials(ca.issue("edge-b", "URI:spiffe://llm-xds/node/edge-b"));
    DiscoveryRequest askForTheKey = DiscoveryRequest.newBuilder()
        .setNode(node("edge-a"))
        .setTypeUrl(SDS)
        .addResourceNames(TestResources.SECRET)
        .build();
    // Over ADS and over the SDS service of its own: both are refused on the first request.
    CollectingObserver<DiscoveryResponse> ads = new CollectingObserver<>();
    ManagedChannel channel = channel(nodeB);
    AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(ads).onNext(askForTheKey);
    CollectingObserver<DiscoveryResponse> sds = new CollectingObserver<>();
    SecretDiscoveryServiceGrpc.newStub(channel).streamSecrets(sds).onNext(askForTheKey);

    for (CollectingObserver<DiscoveryResponse> answers : List.of(ads, sds)) {
      await().atMost(PATIENCE).until(() -> answers.error().isPresent());
      assertThat(Status.fromThrowable(answers.error().get()).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(answers.values()).isEmpty();
    }
    assertThat(telemetry.spans(SpanAttributes.REFUSED_SPAN)).hasSize(2);
  }

  @Test
  void aFirstRequestWithoutANodeIsRefused() throws Exception {
    CollectingObserver<DiscoveryResponse> answers = new CollectingObserver<>();
    AggregatedDiscoveryServiceGrpc.newStub(channel(credentials(ca.issue("edge-a", "DNS:edge-a"))))
        .streamAggregatedResources(answers)
        .onNext(DiscoveryRequest.newBuilder().setTypeUrl(SDS).build());

    await().atMost(PATIENCE).until(() -> answers.error().isPresent());
    assertThat(Status.fromThrowable(answers.error().get()).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(answers.values()).isEmpty();
    assertThat(telemetry.spans(SpanAttributes.REFUSED_SPAN))
        .extracting(span -> span.getAttributes().get(SpanAttributes.REFUSAL_REASON))
        .containsExactly("no_node");
  }

  @Test
  void theRightCertificateGetsEveryTypeByUriOrDnsSan() throws Exception {
    for (TlsFiles files : List.of(ca.issue("by-uri", "URI:spiffe://llm-xds/node/edge-a"),
        ca.issue("by-dns", "DNS:edge-a"))) {
      AdsTestClient client = open(AdsTestClient.connect(server.port(), credentials(files), node("edge-a")));
      await().atMost(PATIENCE).until(() -> client.ackedVersions().equals(published.typeVersions()));
    }
    assertThat(telemetry.spans(SpanAttributes.REFUSED_SPAN)).isEmpty();
  }

  @Test
  void replacedFilesServeNewConnectionsWithTheNewCertificateAndCa() throws Exception {
    TestPki next = TestPki.create(dir, "next-ca");
    TlsFiles oldClient = ca.issue("edge-a-old", "DNS:edge-a");
    TlsFiles newClient = next.issue("edge-a-new", "DNS:edge-a");
    // The new client trusts only the new CA, so it can tell which server certificate it was shown.
    assertThat(synced(oldClient)).isTrue();
    assertThat(synced(newClient)).isFalse();

    TestPki.replace(serverFiles, next.issue("control-plane-2", "IP:127.0.0.1", "DNS:localhost"));

    await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> synced(newClient));
    assertThat(synced(oldClient)).isFalse();
  }

  /** Whether a new client with these files gets every type within a couple of seconds. */
  private boolean synced(TlsFiles files) throws Exception {
    try (AdsTestClient client = AdsTestClient.connect(server.port(), credentials(files), node("edge-a"))) {
      try {
        await().atMost(Duration.ofSeconds(3))
            .until(() -> client.streamError().isPresent() || client.ackedVersions().equals(published.typeVersions()));
      } catch (ConditionTimeoutException e) {
        return false;
      }
      return client.streamError().isEmpty();
    }
  }

  private ChannelCredentials credentials(TlsFiles files) throws Exception {
    return open(ReloadingTls.forClient(files, ReloadingTls.DEFAULT_CHECK_PERIOD)).channelCredentials();
  }

  private ManagedChannel channel(ChannelCredentials credentials) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port(), credentials).build();
    opened.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return channel;
  }

  private <T extends AutoCloseable> T open(T closeable) {
    opened.add(closeable);
    return closeable;
  }

  private static Node node(String id) {
    return Node.newBuilder().setId(id).setCluster("llm").build();
  }
}
