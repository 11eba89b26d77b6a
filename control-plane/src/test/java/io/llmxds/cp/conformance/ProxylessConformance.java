package io.llmxds.cp.conformance;

import static io.llmxds.cp.observe.SpanAttributes.CONFIG_VERSION;
import static io.llmxds.cp.observe.SpanAttributes.ERROR_MESSAGE;
import static io.llmxds.cp.observe.SpanAttributes.NODE_ID;
import static io.llmxds.cp.observe.SpanAttributes.OUTCOME;
import static io.llmxds.cp.observe.SpanAttributes.PUSH_SPAN;
import static io.llmxds.cp.observe.SpanAttributes.RELOAD_SPAN;
import static io.llmxds.cp.observe.SpanAttributes.TYPE_URL;
import static io.llmxds.cp.observe.SpanAttributes.VERSION;
import static io.llmxds.cp.testing.AdsTestClient.CDS;
import static io.llmxds.cp.testing.AdsTestClient.EDS;
import static io.llmxds.cp.testing.AdsTestClient.LDS;
import static io.llmxds.cp.testing.AdsTestClient.RDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmxds.cp.testing.LiveControlPlane;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance suite: an xDS client that no one here wrote, served by a real control plane from real policy
 * files, calling real gRPC backends through {@code xds:///echo}. One subclass per client. Everything the control
 * plane claims is read where an operator reads it: {@code GET /status} and the {@code xds.push} spans.
 * docs/proxyless-grpc.md ("Conformance") states what is asserted and the tolerances.
 */
abstract class ProxylessConformance {
  static final String A = "backend-a";
  static final String B = "backend-b";
  /** Every type a proxyless client subscribes to. */
  static final List<String> TYPES = List.of(LDS, RDS, CDS, EDS);
  static final int SPLIT_CALLS = 1_000;
  /** Allowed distance from a weight, in percentage points: about 3.8 standard deviations of 1,000 50/50 picks. */
  static final double SPLIT_TOLERANCE = 6.0;
  static final Duration ACK_BUDGET = Duration.ofSeconds(1);
  static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private final String clientName;
  private final Dialer dialer;
  private final String maglevRejection;
  private final int xdsPort;
  private EchoBackends backends;
  private ProxylessPolicies policies;
  private LiveControlPlane cp;
  private XdsTestClient client;

  /** How a subclass starts its client: a channel to {@code xds:///<route>} whose bootstrap names {@code xdsPort}. */
  interface Dialer {
    XdsTestClient dial(String route, int xdsPort, Path scratch);
  }

  /**
   * @param clientName the client, for reports
   * @param dialer starts the client, once per test
   * @param maglevRejection what the client's own NACK text says about a cluster with {@code lb_policy: MAGLEV}
   * @param xdsPort the port every control plane of a test listens on; a restart keeps it
   */
  ProxylessConformance(String clientName, Dialer dialer, String maglevRejection, int xdsPort) {
    this.clientName = clientName;
    this.dialer = dialer;
    this.maglevRejection = maglevRejection;
    this.xdsPort = xdsPort;
  }

  /** For a client in a process of its own (it reads its own bootstrap): a port the OS picks for each test. */
  ProxylessConformance(String clientName, Dialer dialer, String maglevRejection) {
    this(clientName, dialer, maglevRejection, LoopbackPorts.free());
  }

  @BeforeEach
  void start() throws IOException {
    backends = EchoBackends.start(List.of(A, B));
    policies = ProxylessPolicies.write(Files.createDirectory(tmp.resolve("policies")), backends, List.of(90, 10));
    cp = LiveControlPlane.serve(policies.dir(), tmp.resolve("admin-token"), xdsPort);
    client = dialer.dial(ProxylessPolicies.ROUTE, xdsPort, tmp);
  }

  /** Closes what {@link #start()} got to: a client that failed to start must not leave the xDS port bound. */
  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (cp != null) {
      cp.close();
    }
    if (backends != null) {
      backends.close();
    }
  }

  @Test
  void acksEveryTypeAtTheServedVersionAndItsRpcsReachTheBackends() {
    JsonNode node = awaitSyncedAt(servedConfigVersion());

    for (Map.Entry<String, JsonNode> type : node.path("types").properties()) {
      if (!TYPES.contains(type.getKey())) {
        assertThat(type.getValue().path("state").asText()).as("%s for %s", type.getKey(), client.nodeId())
            .isEqualTo("NOT_SENT");
      }
    }
    Calls calls = client.call(200);
    assertThat(calls.errors()).isEmpty();
    assertThat(calls.byBackend().keySet()).containsExactlyInAnyOrder(A, B);
  }

  @Test
  void aWeightEditIsAckedWithinOneSecondAndTheSplitFollowsIt() {
    awaitSyncedAt(servedConfigVersion());

    policies.setWeights(List.of(0, 100));
    Duration toAllB = reloadAndMeasureAck();
    // The ACK says the client accepted the config; its channel switches pickers just after. Wait for that.
    await().atMost(PATIENCE).until(() -> client.call(20).served(A) == 0);
    Calls allB = client.call(SPLIT_CALLS);
    assertThat(allB.errors()).isEmpty();
    assertThat(allB.served(A)).as("calls to the weight-0 backend").isZero();
    assertThat(allB.served(B)).isEqualTo(SPLIT_CALLS);

    policies.setWeights(List.of(50, 50));
    Duration toHalf = reloadAndMeasureAck();
    Calls half = client.call(SPLIT_CALLS);
    assertThat(half.errors()).isEmpty();
    assertThat(half.percent(A)).as("%% of calls to %s", A).isCloseTo(50.0, within(SPLIT_TOLERANCE));
    assertThat(half.percent(B)).as("%% of calls to %s", B).isCloseTo(50.0, within(SPLIT_TOLERANCE));

    report("weight edit ACKed %d ms and %d ms after the reload; 50/50 split observed %.1f/%.1f",
        toAllB.toMillis(), toHalf.toMillis(), half.percent(A), half.percent(B));
  }

  @Test
  void aClusterTheClientRejectsIsNackedOnceWithItsOwnTextAndTheLastGoodConfigKeepsServing() {
    String good = servedConfigVersion();
    awaitSyncedAt(good);

    policies.setLoadBalancing(B, "maglev");
    cp.reload();
    JsonNode cds = await().atMost(PATIENCE)
        .until(() -> nodeStatus().path("types").path(CDS), t -> t.path("state").asText().equals("NACKED"));

    String error = cds.path("error").asText();
    String rejected = cds.path("sentVersion").asText();
    assertThat(error).contains(maglevRejection);
    // Pushed once: no resend of the rejected version, nor anything else of its type, while nothing changes. (A push
    // shows up here once answered; a storm's resends are answered at once.)
    int cdsPushes = pushes(CDS, null).size();
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
        .until(() -> pushes(CDS, rejected).size() == 1 && pushes(CDS, null).size() == cdsPushes);
    SpanData push = pushes(CDS, rejected).get(0);
    assertThat(push.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(push.getStatus().getDescription()).isEqualTo(error);
    assertThat(push.getAttributes().get(ERROR_MESSAGE)).isEqualTo(error);
    assertThat(push.getAttributes().get(OUTCOME)).isEqualTo("nack");

    JsonNode node = nodeStatus();
    assertThat(node.path("configVersion").asText()).as("the config version %s runs", client.nodeId())
        .isEqualTo(good);
    Calls calls = client.call(200);
    assertThat(calls.errors()).isEmpty();
    assertThat(calls.byBackend().keySet()).as("both clusters still serve").containsExactlyInAnyOrder(A, B);
    report("NACK text: %s", error);
  }

  @Test
  void afterAControlPlaneRestartTheClientReconnectsAndAcksTheSameVersion() throws IOException {
    String version = servedConfigVersion();
    Map<String, String> acked = ackedVersions(awaitSyncedAt(version));

    cp.close();
    long restartedAt = System.nanoTime();
    cp = LiveControlPlane.serve(policies.dir(), tmp.resolve("admin-token"), xdsPort);
    assertThat(servedConfigVersion()).isEqualTo(version);
    Map<String, String> reacked = ackedVersions(awaitSyncedAt(version));
    Duration reconnect = Duration.ofNanos(System.nanoTime() - restartedAt);

    assertThat(reacked).isEqualTo(acked);
    Calls calls = client.call(100);
    assertThat(calls.errors()).isEmpty();
    report("reconnected and ACKed the same version %d ms after the restart", reconnect.toMillis());
  }

  /** Reloads, waits until the client runs the new config version, and returns reload end → last ACK of it. */
  private Duration reloadAndMeasureAck() {
    cp.reload();
    String version = servedConfigVersion();
    awaitSyncedAt(version);
    SpanData reload = cp.telemetry().spans(RELOAD_SPAN).stream()
        .filter(s -> version.equals(s.getAttributes().get(CONFIG_VERSION)))
        .reduce((first, second) -> second)
        .orElseThrow();
    long lastAck = await().atMost(PATIENCE).until(() -> cp.telemetry().spans(PUSH_SPAN).stream()
        .filter(s -> client.nodeId().equals(s.getAttributes().get(NODE_ID)))
        .filter(s -> version.equals(s.getAttributes().get(CONFIG_VERSION)))
        .filter(s -> "ack".equals(s.getAttributes().get(OUTCOME)))
        .mapToLong(SpanData::getEndEpochNanos)
        .max(), l -> l.isPresent()).getAsLong();
    Duration ack = Duration.ofNanos(lastAck - reload.getEndEpochNanos());
    assertThat(ack).as("reload end → %s's ACK of %s", client.nodeId(), version).isLessThanOrEqualTo(ACK_BUDGET);
    return ack;
  }

  /** Waits until the client has ACKed every one of its types at {@code configVersion}; returns its status. */
  private JsonNode awaitSyncedAt(String configVersion) {
    await().atMost(PATIENCE).untilAsserted(() -> {
      JsonNode node = nodeStatus();
      assertThat(node.path("configVersion").asText()).as("config version of %s: %s", client.nodeId(), node)
          .isEqualTo(configVersion);
      for (String type : TYPES) {
        assertThat(node.path("types").path(type).path("state").asText()).as("%s in %s", type, node)
            .isEqualTo("SYNCED");
      }
    });
    return nodeStatus();
  }

  /** The client's entry in {@code GET /status} (a missing node when it is not connected). */
  private JsonNode nodeStatus() {
    for (JsonNode node : status().path("nodes")) {
      if (node.path("node").asText().equals(client.nodeId())) {
        return node;
      }
    }
    return JSON.missingNode();
  }

  private String servedConfigVersion() {
    return status().path("configVersion").asText();
  }

  private JsonNode status() {
    try {
      return JSON.readTree(cp.get("/status").body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> ackedVersions(JsonNode node) {
    Map<String, String> acked = new LinkedHashMap<>();
    TYPES.forEach(t -> acked.put(t, node.path("types").path(t).path("ackedVersion").asText()));
    return acked;
  }

  /** This client's ended {@code xds.push} spans of {@code typeUrl}, at {@code version} unless null. */
  private List<SpanData> pushes(String typeUrl, String version) {
    return cp.telemetry().spans(PUSH_SPAN).stream()
        .filter(s -> client.nodeId().equals(s.getAttributes().get(NODE_ID)))
        .filter(s -> typeUrl.equals(s.getAttributes().get(TYPE_URL)))
        .filter(s -> version == null || version.equals(s.getAttributes().get(VERSION)))
        .toList();
  }

  private void report(String format, Object... args) {
    System.out.printf("conformance[%s] %s%n", clientName, String.format(format, args));
  }
}
