package io.llmxds.filters.config;

import static io.llmxds.filters.testing.TestDataPath.memoryStore;
import static io.llmxds.filters.testing.TestDataPath.redisStore;
import static io.llmxds.filters.testing.TestDataPath.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.lettuce.core.RedisClient;
import io.llmxds.common.DataPathConfig;
import io.llmxds.filters.testing.LocalRedis;
import io.llmxds.filters.testing.RecordingStoreFactory;
import io.llmxds.filters.testing.TestAdsServer;
import io.llmxds.filters.testing.TestAdsServer.Request;
import io.llmxds.filters.testing.TestDataPath;
import io.llmxds.filters.testing.TestDataPath.Config;
import io.llmxds.filters.testing.TestDataPath.Policy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The context service's side of the ADS protocol (docs/data-path-config.md) against a test control plane: what it
 * subscribes to, how it ACKs and NACKs, how a config that arrives in pieces is applied whole, and how it comes back
 * after the control plane restarts.
 */
class AdsClientTest {
  private static final Config V1 =
      Config.of("1", List.of(memoryStore()), route("chat", Policy.of("chat", "memory"), "m"));

  private final RecordingStoreFactory stores = new RecordingStoreFactory();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private TestAdsServer controlPlane;
  private LiveSnapshot live;
  private AdsClient client;

  @BeforeEach
  void start() throws Exception {
    controlPlane = TestAdsServer.start();
    live = LiveSnapshot.startingWithBuiltInDefault(stores, 1 << 20, Runnable::run);
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    controlPlane.close();
    live.close();
  }

  private void connect(Duration waitLimit) {
    client = AdsClient.start(new XdsServerAddress("127.0.0.1", controlPlane.port()), "node-1", live, waitLimit,
        new ConfigMetrics(meters, live));
  }

  private void connect() {
    connect(AdsClient.WAIT_LIMIT);
  }

  private double count(String name, String type) {
    var counter = meters.find(name).tag("type", type).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void aConsistentConfigIsAppliedAndEachTypeAckedWithItsVersionAndNonce() {
    connect();
    controlPlane.serve(V1);
    Request cds = controlPlane.awaitAnswer(ResourceType.CDS, "1");
    Request rds = controlPlane.awaitAnswer(ResourceType.RDS, "1");

    assertThat(List.of(cds, rds)).allSatisfy(ack -> {
      assertThat(ack.isAck()).isTrue();
      assertThat(ack.version()).isEqualTo("1");
      assertThat(ack.nonce()).isNotEmpty();
    });
    assertThat(cds.names()).as("CDS: wildcard").isEmpty();
    assertThat(rds.names()).containsExactly(DataPathConfig.ROUTE_CONFIGURATION);
    List<Request> sent = controlPlane.requests();
    Node node = sent.get(0).node().orElseThrow();
    assertThat(node.getId()).isEqualTo("node-1");
    assertThat(node.getCluster()).isEqualTo(DataPathConfig.NODE_CLUSTER);
    assertThat(node.getMetadata().getFieldsOrThrow(DataPathConfig.FLAVOR_KEY).getStringValue())
        .isEqualTo(DataPathConfig.FLAVOR);
    assertThat(sent.subList(1, sent.size())).as("node on the first request only")
        .allSatisfy(r -> assertThat(r.node()).isEmpty());
    assertThat(live.current().config()).isEqualTo("1");
    assertThat(live.current().routeFor(Optional.of("m")).flatMap(TableRoute::policy))
        .hasValueSatisfying(p -> assertThat(p.name()).isEqualTo("chat"));
    assertThat(live.current().routeFor(Optional.of("other"))).isEmpty();
    assertThat(stores.opened()).as("the built-in memory store is the config's memory store").hasSize(1);
    assertThat(count(ConfigMetrics.ACKS, "cds")).isEqualTo(1);
    assertThat(client.status().versions()).containsEntry(ResourceType.CDS, "1").containsEntry(ResourceType.RDS, "1");
  }

  /**
   * The routes of the same config come after the clusters (java-control-plane sends CDS before RDS) and need the
   * store the clusters were NACKed for: they are NACKed at once, not held until the limit (which would hold up the
   * next routes, even a rollback's).
   */
  @Test
  void aStoreThatCannotBeReachedNacksTheClustersWithItsErrorAndThePreviousSnapshotKeepsServing() throws Exception {
    connect();
    controlPlane.serve(V1);
    controlPlane.awaitAcked(V1);
    DataPathSnapshot before = live.current();
    int closed = closedPort();

    controlPlane.serve(Config.of("2", List.of(memoryStore(), redisStore("down", "redis://127.0.0.1:" + closed)),
        route("chat", Policy.of("chat", "down"), "m")));
    Request cds = controlPlane.awaitAnswer(ResourceType.CDS, "2");
    Request rds = controlPlane.awaitAnswer(ResourceType.RDS, "2");

    assertThat(cds.isAck()).isFalse();
    assertThat(cds.error().orElseThrow()).startsWith("ContextStore/down: redis://127.0.0.1:" + closed + "/0: ");
    assertThat(cds.version()).as("a NACK names the version still applied").isEqualTo("1");
    assertThat(rds.error().orElseThrow()).isEqualTo("missing cluster context-store/down (named by route chat): "
        + "CDS version 2 was rejected");
    assertThat(live.current()).isSameAs(before);
    assertThat(count(ConfigMetrics.NACKS, "cds")).isEqualTo(1);
    assertThat(count(ConfigMetrics.NACKS, "rds")).isEqualTo(1);

    // The rollback is applied at once: nothing waits.
    Config rollback = Config.of("3", V1.clusters(), route("chat", Policy.of("chat", "memory"), "m"));
    controlPlane.serve(rollback);
    controlPlane.awaitAcked(rollback);
    assertThat(live.current().config()).isEqualTo("3");
    assertThat(live.current().stores()).containsEntry("memory", before.stores().get("memory"));
  }

  @Test
  void routesThatArriveBeforeTheClustersTheyNeedAreAppliedAndAckedOnceTheClustersCome() {
    connect();
    controlPlane.serve(ResourceType.RDS, "1", List.of(V1.table()));
    await().until(() -> client.status().state().equals("connected"));
    assertThat(controlPlane.requests(ResourceType.RDS)).as("not answered while waiting")
        .allSatisfy(r -> assertThat(r.nonce()).isEmpty());
    assertThat(live.current().config()).isEqualTo(BuiltInDefault.CONFIG);

    controlPlane.serve(ResourceType.CDS, "1", V1.clusters());
    controlPlane.awaitAcked(V1);
    assertThat(live.current().config()).isEqualTo("1");
  }

  @Test
  void waitingRoutesAreNackedWhenTheClustersTheyWaitForAreNacked() throws Exception {
    connect();
    Config unreachable = Config.of("1", List.of(redisStore("down", "redis://127.0.0.1:" + closedPort())),
        route("chat", Policy.of("chat", "down"), "m"));
    controlPlane.serve(ResourceType.RDS, "1", List.of(unreachable.table()));
    await().until(() -> client.status().state().equals("connected"));

    controlPlane.serve(ResourceType.CDS, "1", unreachable.clusters());

    assertThat(controlPlane.awaitAnswer(ResourceType.CDS, "1").error().orElseThrow()).startsWith("ContextStore/down");
    assertThat(controlPlane.awaitAnswer(ResourceType.RDS, "1").error()).hasValue(
        "missing cluster context-store/down (named by route chat): CDS version 1 was rejected");
    assertThat(live.current().config()).isEqualTo(BuiltInDefault.CONFIG);
  }

  @Test
  void aResponseThatWaitsLongerThanTheLimitIsNackedNamingWhatIsMissing() {
    connect(Duration.ofMillis(300));
    controlPlane.serve(ResourceType.RDS, "1", List.of(V1.table()));

    assertThat(controlPlane.awaitAnswer(ResourceType.RDS, "1").error()).hasValue(
        "missing cluster context-store/memory (named by route chat): no CDS response delivered it within PT0.3S");

    // The clusters alone cannot be applied before any table: they wait for one, which the next config brings.
    Config v2 = Config.of("2", V1.clusters(), route("chat", Policy.of("chat", "memory"), "m"));
    controlPlane.serve(v2);
    controlPlane.awaitAcked(v2);
    assertThat(live.current().config()).isEqualTo("2");
  }

  @Test
  void aResponseThatDoesNotDecodeIsNackedAtOnceWithTheReason() {
    connect();
    controlPlane.serve(Config.of("1", List.of(memoryStore()), TestDataPath.routeMatching("chat",
        Policy.of("chat", "memory"), "(unclosed")));

    assertThat(controlPlane.awaitAnswer(ResourceType.RDS, "1").error().orElseThrow())
        .startsWith("RouteConfiguration llm-xds/context route chat: not an RE2 regex");
    assertThat(live.current().config()).isEqualTo(BuiltInDefault.CONFIG);
  }

  /** The store's password is the SDS Secret its cluster names: the service subscribes to it by name. */
  @Test
  void aStorePasswordComesFromTheSecretItsClusterNames() throws Exception {
    String secret = DataPathConfig.passwordSecret("secured");
    try (LocalRedis redis = LocalRedis.start()) {
      RedisClient admin = RedisClient.create(redis.uri());
      try (var connection = admin.connect()) {
        connection.sync().configSet("requirepass", "s3cret:with@odd/chars");
      } finally {
        admin.shutdown();
      }
      Config config = Config.of("1", List.of(redisStore("secured", redis.uri(), Optional.of(secret))),
          route("chat", Policy.of("chat", "secured"), "m"))
          .withSecrets(TestDataPath.password(secret, "s3cret:with@odd/chars"));
      connect();
      controlPlane.serve(ResourceType.CDS, "1", config.clusters());
      controlPlane.serve(ResourceType.RDS, "1", List.of(config.table()));
      await().until(() -> !controlPlane.requests(ResourceType.SDS).isEmpty());
      assertThat(controlPlane.requests(ResourceType.SDS).get(0).names()).containsExactly(secret);

      controlPlane.serve(ResourceType.SDS, "1", config.secrets());
      controlPlane.awaitAcked(config);
      assertThat(stores.latest("secured").spec().password()).hasValue("s3cret:with@odd/chars");
      assertThat(live.current().stores().get("secured").tail("llmxds:ctx:v1:nobody", 1)).isEmpty();
    }
  }

  @Test
  void afterTheControlPlaneRestartsTheAppliedVersionsAreAskedForAndAckedAgain() throws Exception {
    connect();
    controlPlane.serve(V1);
    controlPlane.awaitAcked(V1);
    DataPathSnapshot applied = live.current();
    int requestsBefore = controlPlane.requests().size();

    controlPlane.stop();
    await().until(() -> client.status().state().equals("reconnecting"));
    // A stopped server ends the stream either way, depending on whether the RST_STREAM or the GOAWAY wins.
    assertThat(client.status().lastError()).hasValueSatisfying(e -> assertThat(e).matches("(UNAVAILABLE|CANCELLED).*"));
    controlPlane.restart();

    await().untilAsserted(() -> assertThat(controlPlane.requests().subList(requestsBefore,
        controlPlane.requests().size())).filteredOn(r -> r.isAck() && !r.nonce().isEmpty())
        .extracting(Request::type, Request::version)
        .contains(org.assertj.core.groups.Tuple.tuple(ResourceType.CDS, "1"),
            org.assertj.core.groups.Tuple.tuple(ResourceType.RDS, "1")));
    List<Request> again = controlPlane.requests().subList(requestsBefore, controlPlane.requests().size());
    Request first = again.get(0);
    assertThat(first.node()).as("a new stream's first request").isPresent();
    assertThat(again).filteredOn(r -> r.nonce().isEmpty())
        .as("the new stream asks with the versions it runs")
        .allSatisfy(r -> assertThat(r.version()).isEqualTo("1"));
    assertThat(live.current()).as("the same config is not switched to again").isSameAs(applied);
    assertThat(stores.opened()).hasSize(1);
    assertThat(client.status().state()).isEqualTo("connected");
    assertThat(meters.find(ConfigMetrics.RECONNECTS).counter().count()).isGreaterThanOrEqualTo(1);
  }

  private static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
