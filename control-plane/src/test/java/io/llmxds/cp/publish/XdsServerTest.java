package io.llmxds.cp.publish;

import static io.llmxds.cp.testing.AdsTestClient.CDS;
import static io.llmxds.cp.testing.AdsTestClient.EDS;
import static io.llmxds.cp.testing.AdsTestClient.LDS;
import static io.llmxds.cp.testing.AdsTestClient.RDS;
import static io.llmxds.cp.testing.AdsTestClient.SDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.cluster.v3.ClusterDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.llmxds.cp.publish.RecordingListener.SeenRequest;
import io.llmxds.cp.testing.AdsTestClient;
import io.llmxds.cp.testing.AdsTestClient.Received;
import io.llmxds.cp.translate.EnvoyResources;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real ADS server on a loopback port and an Envoy-like ADS client. */
class XdsServerTest {

  private static final Duration PATIENCE = Duration.ofSeconds(10);
  /** How long "nothing else arrives" is watched for, beyond the 2 s the NACK test requires. */
  private static final Duration QUIET = Duration.ofMillis(750);

  private static final EnvoyResources V1 = TestResources.withRouteTimeout(30);
  private static final EnvoyResources V2 = TestResources.withRouteTimeout(60);
  private static final EnvoyResources V3 = TestResources.withRouteTimeout(90);

  private XdsServer server;
  private AdsTestClient client;
  private final RecordingListener events = new RecordingListener();

  @BeforeEach
  void startServer() throws Exception {
    server = XdsServer.start(0);
    server.addListener(events);
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    server.close();
  }

  @Test
  void servesEveryTypeAtItsContentVersionAndSeesTheAcks() throws Exception {
    PublishedSnapshot published = publish("v1", V1);
    assertThat(published.typeVersions()).isEqualTo(TypeVersions.of(V1));
    assertThat(server.current()).contains(published);

    client = syncedClient("edge-1", published);

    assertThat(lastNames(CDS)).containsExactly(TestResources.CLUSTER);
    assertThat(lastNames(EDS)).containsExactly(TestResources.CLUSTER);
    assertThat(lastNames(LDS)).containsExactly(TestResources.LISTENER);
    assertThat(lastNames(RDS)).containsExactly(TestResources.ROUTES);
    assertThat(lastNames(SDS)).containsExactly(TestResources.SECRET);
    // The server saw an ACK (no error_detail) of each type at its version.
    await()
        .atMost(PATIENCE)
        .untilAsserted(() -> assertThat(ackedOnServer()).containsAll(published.typeVersions().entrySet()));
  }

  @Test
  void aRouteOnlyChangePushesOnlyRds() throws Exception {
    PublishedSnapshot first = publish("v1", V1);
    client = syncedClient("edge-1", first);
    Map<String, Integer> before = client.counts();

    PublishedSnapshot second = publish("v2", V2);

    assertThat(changedTypes(first, second)).containsExactly(RDS);
    await().atMost(PATIENCE).until(() -> client.ackedVersion(RDS).equals(Optional.of(version(second, RDS))));
    Map<String, Integer> expected = new HashMap<>(before);
    expected.merge(RDS, 1, Integer::sum);
    await().during(QUIET).atMost(QUIET.plus(PATIENCE)).until(() -> client.counts().equals(expected));
  }

  @Test
  void aNackedConfigIsNotResentAndTheNextOneArrivesOnce() throws Exception {
    PublishedSnapshot first = publish("v1", V1);
    client = syncedClient("edge-1", first);
    client.rejectVersion(RDS, TypeVersions.of(V2).get(RDS), "route timeout rejected by the test");
    Map<String, Integer> before = client.counts();

    PublishedSnapshot second = publish("v2", V2);

    await()
        .atMost(PATIENCE)
        .until(() -> events.nacks().stream().anyMatch(nack -> nack.typeUrl().equals(RDS)));
    int rdsAfterNack = before.get(RDS) + 1;
    // A naive cache would resend the rejected routes about 1,200 times a second: count exactly 0 resends in 2 s.
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(3))
        .until(() -> client.count(RDS) == rdsAfterNack);
    assertThat(events.nacks()).hasSize(1);
    assertThat(client.ackedVersion(RDS)).contains(version(first, RDS));

    PublishedSnapshot third = publish("v3", V3);

    await().atMost(PATIENCE).until(() -> client.ackedVersion(RDS).equals(Optional.of(version(third, RDS))));
    Map<String, Integer> expected = new HashMap<>(before);
    expected.put(RDS, rdsAfterNack + 1);
    await().during(QUIET).atMost(QUIET.plus(PATIENCE)).until(() -> client.counts().equals(expected));
    assertThat(client.received(RDS))
        .extracting(Received::version)
        .containsExactly(version(first, RDS), version(second, RDS), version(third, RDS));
  }

  @Test
  void afterARestartTheSameContentHasTheSameVersions() throws Exception {
    PublishedSnapshot beforeRestart = publish("v1", V1);
    client = syncedClient("edge-1", beforeRestart);
    Map<String, String> acked = client.ackedVersions();
    client.close();
    client = null;
    server.close();

    server = XdsServer.start(0);
    PublishedSnapshot afterRestart = publish("v1-again", TestResources.withRouteTimeout(30));
    client = AdsTestClient.connect(server.port(), "edge-1", "llm");

    await().atMost(PATIENCE).until(() -> client.ackedVersions().equals(acked));
    assertThat(afterRestart.typeVersions()).isEqualTo(acked);
  }

  @Test
  void aClientSendingItsNodeOnlyOnceIsServedOnEveryRequest() throws Exception {
    PublishedSnapshot published = publish("v1", V1);
    client = syncedClient("edge-7", published);

    List<DiscoveryRequest> sent = client.sent();
    assertThat(sent.get(0).getNode().getId()).isEqualTo("edge-7");
    assertThat(sent.subList(1, sent.size())).allMatch(request -> !request.hasNode()).hasSizeGreaterThan(5);
    // Every request, including the node-less ones (EDS and RDS were only requested later), was attributed to the node.
    await().atMost(PATIENCE).until(() -> events.requests().size() == sent.size());
    assertThat(events.requests()).extracting(SeenRequest::nodeId).containsOnly("edge-7");

    client.close();
    client = null;
    await().atMost(PATIENCE).until(() -> events.closed().size() == 1);
  }

  @Test
  void thePerTypeServicesServeRequestsWithoutATypeUrl() throws Exception {
    PublishedSnapshot published = publish("v1", V1);
    ManagedChannel channel = channel();
    try {
      CollectingObserver<DiscoveryResponse> responses = new CollectingObserver<>();
      StreamObserver<DiscoveryRequest> requests =
          ClusterDiscoveryServiceGrpc.newStub(channel).streamClusters(responses);
      // On a per-type stream the type URL may be left out; the cache needs it, the server fills it in.
      requests.onNext(DiscoveryRequest.newBuilder().setNode(Node.newBuilder().setId("cds-only")).build());

      await().atMost(PATIENCE).until(() -> !responses.values().isEmpty());
      assertThat(responses.values().get(0).getVersionInfo()).isEqualTo(version(published, CDS));
      assertThat(responses.values().get(0).getResourcesCount()).isEqualTo(1);
      requests.onCompleted();
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void deltaXdsIsRefused() throws Exception {
    publish("v1", V1);
    ManagedChannel channel = channel();
    try {
      CollectingObserver<DeltaDiscoveryResponse> responses = new CollectingObserver<>();
      AggregatedDiscoveryServiceGrpc.newStub(channel)
          .deltaAggregatedResources(responses)
          .onNext(DeltaDiscoveryRequest.newBuilder().setTypeUrl(CDS).build());

      await().atMost(PATIENCE).until(() -> responses.error().isPresent());
      assertThat(Status.fromThrowable(responses.error().get()).getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
      assertThat(responses.values()).isEmpty();
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void publishingAfterCloseFails() {
    server.close();

    assertThat(server.publish("late", TestResources.asEveryFlavor(V1)))
        .failsWithin(PATIENCE)
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(IllegalStateException.class);
  }

  private ManagedChannel channel() {
    return NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }

  /** Publishes {@code resources} as every flavor: these tests are about the server, not the flavors. */
  private PublishedSnapshot publish(String configVersion, EnvoyResources resources) throws Exception {
    return server.publish(configVersion, TestResources.asEveryFlavor(resources))
        .get(PATIENCE.toSeconds(), TimeUnit.SECONDS).edge();
  }

  private AdsTestClient syncedClient(String nodeId, PublishedSnapshot published) {
    AdsTestClient connected = AdsTestClient.connect(server.port(), nodeId, "llm");
    await()
        .atMost(PATIENCE)
        .until(() -> connected.ackedVersions().equals(published.typeVersions()));
    return connected;
  }

  private List<Map.Entry<String, String>> ackedOnServer() {
    return events.requests().stream()
        .filter(seen -> !seen.nack())
        .map(seen -> Map.entry(seen.typeUrl(), seen.version()))
        .toList();
  }

  private List<String> lastNames(String typeUrl) {
    List<Received> received = client.received(typeUrl);
    return received.get(received.size() - 1).resourceNames();
  }

  private static String version(PublishedSnapshot snapshot, String typeUrl) {
    return snapshot.typeVersions().get(typeUrl);
  }

  private static List<String> changedTypes(PublishedSnapshot a, PublishedSnapshot b) {
    return a.typeVersions().keySet().stream()
        .filter(type -> !a.typeVersions().get(type).equals(b.typeVersions().get(type)))
        .toList();
  }
}
