package io.llmxds.cp;

import static io.llmxds.cp.testing.AdsTestClient.CDS;
import static io.llmxds.cp.testing.AdsTestClient.EDS;
import static io.llmxds.cp.testing.AdsTestClient.LDS;
import static io.llmxds.cp.testing.AdsTestClient.RDS;
import static io.llmxds.cp.testing.AdsTestClient.SDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.llmxds.cp.admin.AdminToken;
import io.llmxds.cp.reload.ReloadOutcome;
import io.llmxds.cp.source.PolicyDirectoryWatcher;
import io.llmxds.cp.testing.AdsTestClient;
import io.llmxds.cp.testing.PolicyDirs;
import io.llmxds.cp.testing.TestTelemetry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline as a user runs it: policy files on disk → watcher → reload → ADS, observed by an ADS client
 * that behaves like an Envoy node.
 */
class ControlPlaneEndToEndTest {
  private static final Duration PATIENCE = Duration.ofSeconds(15);
  private static final List<String> TYPES = List.of(CDS, EDS, LDS, RDS, SDS);

  @TempDir Path tmp;
  private Path policies;
  private Path routes;
  private ControlPlane cp;
  private AdsTestClient envoy;
  private final TestTelemetry telemetry = new TestTelemetry();

  @BeforeEach
  void start() throws IOException {
    policies = PolicyDirs.copyExamples(Files.createDirectory(tmp.resolve("policies")));
    routes = policies.resolve("routes.yaml");
    cp = startControlPlane();
    envoy = AdsTestClient.connect(cp.xdsPort(), "envoy-1", "llm-gateway");
    awaitSynced(envoy, cp);
  }

  @AfterEach
  void stop() {
    envoy.close();
    cp.close();
    telemetry.close();
  }

  private ControlPlane startControlPlane() throws IOException {
    return ControlPlane.start(new ControlPlane.Settings(policies, "127.0.0.1", 0, "127.0.0.1", 0,
        AdminToken.loadOrCreate(tmp.resolve("admin-token")), PolicyDirectoryWatcher.DEFAULT_QUIET,
        PolicyDirectoryWatcher.DEFAULT_MAX_DELAY), telemetry.telemetry());
  }

  /** Waits until the client has ACKed every type at the versions the control plane serves. */
  private static void awaitSynced(AdsTestClient client, ControlPlane cp) {
    await().atMost(PATIENCE).untilAsserted(() -> {
      Map<String, String> serving = cp.xds().current().orElseThrow().typeVersions();
      for (String type : TYPES) {
        assertThat(client.ackedVersion(type)).as(type).contains(serving.get(type));
      }
    });
  }

  @Test
  void aSavedRouteChangeReachesTheNodeAsOnlyAnRdsPush() {
    Map<String, Integer> before = envoy.counts();
    String oldRds = envoy.ackedVersion(RDS).orElseThrow();

    PolicyDirs.edit(routes, "weight: 90", "weight: 0");
    PolicyDirs.edit(routes, "weight: 10", "weight: 100");

    await().atMost(PATIENCE).until(() -> !envoy.ackedVersion(RDS).orElseThrow().equals(oldRds));
    awaitSynced(envoy, cp);
    await().during(Duration.ofMillis(750)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
      for (String type : List.of(CDS, EDS, LDS, SDS)) {
        assertThat(envoy.count(type)).as(type).isEqualTo(before.get(type));
      }
      assertThat(envoy.count(RDS)).isEqualTo(before.get(RDS) + 1);
    });
  }

  @Test
  void aBurstOfTwentySavesPublishesOneVersion() throws IOException {
    int rdsBefore = envoy.count(RDS);
    String original = Files.readString(routes);
    long start = System.nanoTime();
    long longestGap = 0;
    for (int weight = 1; weight <= 20; weight++) {
      long before = System.nanoTime();
      Files.writeString(routes, original.replace("weight: 90", "weight: " + weight));
      longestGap = Math.max(longestGap, System.nanoTime() - before);
    }
    // What the debouncer promises is about saves closer than its quiet period (and within its maximum delay); a
    // machine that stalls a single write longer than that has not produced a burst, so the test has nothing to judge.
    assumeTrue(longestGap < PolicyDirectoryWatcher.DEFAULT_QUIET.toNanos()
        && System.nanoTime() - start < PolicyDirectoryWatcher.DEFAULT_MAX_DELAY.toNanos(),
        "the machine stalled the burst of saves longer than the debounce window");
    String finalRds = rdsVersionOf(policies);

    await().atMost(PATIENCE).until(() -> envoy.ackedVersion(RDS).orElseThrow().equals(finalRds));
    await().during(Duration.ofMillis(750)).atMost(Duration.ofSeconds(3))
        .until(() -> envoy.count(RDS) == rdsBefore + 1);
  }

  @Test
  void anInvalidSaveKeepsTheLastGoodConfigAndTheNextValidSaveIsApplied() throws IOException {
    String good = cp.xds().current().orElseThrow().configVersion();
    Map<String, Integer> before = envoy.counts();
    String original = Files.readString(routes);

    Files.writeString(routes, original.replace("provider: mock-b", "provider: nowhere"));
    await().atMost(PATIENCE).until(() -> cp.reloader().lastOutcome().orElseThrow().status()
        == ReloadOutcome.Status.FAILURE);
    ReloadOutcome failed = cp.reloader().lastOutcome().orElseThrow();
    assertThat(failed.errors()).anySatisfy(e -> assertThat(e).startsWith("routes.yaml:").contains("\"nowhere\""));
    assertThat(failed.configVersion()).isEqualTo(good);
    assertThat(cp.xds().current().orElseThrow().configVersion()).isEqualTo(good);
    assertThat(envoy.counts()).isEqualTo(before);

    Files.writeString(routes, original.replace("weight: 90", "weight: 80"));
    String fixedRds = rdsVersionOf(policies);
    await().atMost(PATIENCE).until(() -> envoy.ackedVersion(RDS).orElseThrow().equals(fixedRds));
    // The outcome is recorded after the publish, so a fast ACK can be seen before it: wait for it too.
    await().atMost(PATIENCE).until(() -> cp.reloader().lastOutcome().orElseThrow().status()
        == ReloadOutcome.Status.SUCCESS);
  }

  @Test
  void aNackedVersionIsNotResentAndTheNextOneIsDeliveredOnce() throws IOException {
    String original = Files.readString(routes);
    // Work out the version the edit will produce in a scratch copy, so the watched directory sees one save only.
    Path scratch = PolicyDirs.copy(policies, tmp.resolve("scratch"));
    PolicyDirs.edit(scratch.resolve("routes.yaml"), "weight: 90", "weight: 70");
    String rejected = rdsVersionOf(scratch);
    envoy.rejectVersion(RDS, rejected, "route: invalid weight (simulated Envoy rejection)");

    Files.writeString(routes, original.replace("weight: 90", "weight: 70"));
    await().atMost(PATIENCE).until(() -> envoy.received(RDS).stream().anyMatch(r -> r.version().equals(rejected)));
    int afterNack = envoy.count(RDS);
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> envoy.count(RDS) == afterNack);

    Files.writeString(routes, original.replace("weight: 90", "weight: 60"));
    String next = rdsVersionOf(policies);
    await().atMost(PATIENCE).until(() -> envoy.ackedVersion(RDS).orElseThrow().equals(next));
    assertThat(envoy.received(RDS).stream().filter(r -> r.version().equals(next))).hasSize(1);
  }

  @Test
  void afterARestartWithUnchangedPoliciesANodeReconnectsToTheSameVersions() throws IOException {
    PolicyDirs.edit(routes, "weight: 90", "weight: 75");
    String edited = rdsVersionOf(policies);
    await().atMost(PATIENCE).until(() -> envoy.ackedVersion(RDS).orElseThrow().equals(edited));
    Map<String, String> acked = envoy.ackedVersions();
    String configVersion = PolicyDirs.compiled(policies).configVersion();
    await().atMost(PATIENCE).until(() -> cp.xds().current().orElseThrow().configVersion().equals(configVersion));

    envoy.close();
    cp.close();
    cp = startControlPlane();
    envoy = AdsTestClient.connect(cp.xdsPort(), "envoy-1", "llm-gateway");
    awaitSynced(envoy, cp);

    assertThat(envoy.ackedVersions()).isEqualTo(acked);
    assertThat(cp.xds().current().orElseThrow().configVersion()).isEqualTo(configVersion);
  }

  private static String rdsVersionOf(Path dir) {
    return PolicyDirs.typeVersionsOf(dir).get(RDS);
  }
}
