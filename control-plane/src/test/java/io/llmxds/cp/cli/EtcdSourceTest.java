package io.llmxds.cp.cli;

import static io.llmxds.cp.observe.SpanAttributes.CONFIG_VERSION;
import static io.llmxds.cp.observe.SpanAttributes.RELOAD_SPAN;
import static io.llmxds.cp.observe.SpanAttributes.SOURCE_REVISION;
import static io.llmxds.cp.observe.SpanAttributes.TRIGGER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.llmxds.cp.ControlPlane;
import io.llmxds.cp.admin.AdminToken;
import io.llmxds.cp.reload.ConfigCheck;
import io.llmxds.cp.source.EtcdAccess;
import io.llmxds.cp.source.EtcdStore;
import io.llmxds.cp.source.EtcdTarget;
import io.llmxds.cp.source.PolicyDirectoryWatcher;
import io.llmxds.cp.source.PolicySource;
import io.llmxds.cp.testing.AdsTestClient;
import io.llmxds.cp.testing.LocalEtcd;
import io.llmxds.cp.testing.PolicyDirs;
import io.llmxds.cp.testing.TestTelemetry;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Policies from etcd (issue 17, items 1-3): {@code push} writes a validated bundle in one transaction, {@code serve
 * --source etcd://…} watches the prefix and pushes each new revision's config to connected nodes, and an etcd outage
 * with a compaction in between costs nothing but time.
 */
class EtcdSourceTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final Pattern PUSHED = Pattern.compile("pushed config version (\\S+) to \\S+ at revision (\\d+)");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private final TestTelemetry telemetry = new TestTelemetry();
  private final HttpClient http = HttpClient.newHttpClient();
  private LocalEtcd etcd;
  private String url;
  private Path policies;
  private ControlPlane cp;
  private AdsTestClient envoy;

  @BeforeEach
  void start() throws Exception {
    etcd = LocalEtcd.start();
    url = etcd.url("/llm-xds/test");
    policies = PolicyDirs.copyExamples(Files.createDirectory(tmp.resolve("policies")));
  }

  @AfterEach
  void stop() throws Exception {
    if (envoy != null) {
      envoy.close();
    }
    if (cp != null) {
      cp.close();
    }
    telemetry.close();
    etcd.close();
  }

  @Test
  void aPushReachesAConnectedNodeWithItsRevisionAndAnInvalidPushWritesNothing() throws Exception {
    Pushed first = push(policies);
    serve();
    awaitAcked(PolicyDirs.typeVersionsOf(policies));

    PolicyDirs.edit(policies.resolve("routes.yaml"), "weight: 90", "weight: 0");
    CliRun dryRun = CliRun.of("push", policies.toString(), "--etcd", url, "--dry-run");
    assertThat(dryRun.exitCode()).as(dryRun.out()).isZero();
    assertThat(dryRun.out()).contains("the store holds config version " + first.version())
        .contains("change: ModelRoute/chat weights mock-a 90→0").contains("write: routes.yaml")
        .doesNotContain("pushed");
    assertThat(revision()).isEqualTo(first.revision());

    Pushed second = push(policies);
    assertThat(second.version()).isEqualTo(PolicyDirs.compiled(policies).configVersion());
    awaitAcked(PolicyDirs.typeVersionsOf(policies));
    SpanData reload = reloadSpanOf(second.version());
    assertThat(reload.getAttributes().get(SOURCE_REVISION)).isEqualTo(second.revision());
    assertThat(reload.getAttributes().get(TRIGGER)).isEqualTo("etcd-watch");
    JsonNode status = status();
    assertThat(status.get("source").get("location").asText()).isEqualTo(url + "/");
    assertThat(status.get("source").get("revision").asLong()).isEqualTo(second.revision());
    assertThat(status.get("lastReload").get("sourceRevision").asLong()).isEqualTo(second.revision());

    // An invalid bundle: refused with the validator's own words, and the store's revision has not moved.
    Map<String, String> serving = PolicyDirs.typeVersionsOf(policies);
    PolicyDirs.edit(policies.resolve("routes.yaml"), "weight: 0", "weight: -5");
    CliRun refused = CliRun.of("push", policies.toString(), "--etcd", url);
    assertThat(refused.exitCode()).as(refused.out()).isEqualTo(1);
    assertThat(refused.out()).contains("routes.yaml:").contains("refused, nothing written");
    assertThat(revision()).isEqualTo(second.revision());
    assertThat(envoy.ackedVersions()).containsAllEntriesOf(serving);

    // Two pushes cannot interleave: a transaction guarded by what was read before another push wrote is refused.
    try (EtcdStore store = EtcdStore.connect(EtcdTarget.parse(url), EtcdAccess.PLAINTEXT)) {
      EtcdStore.Listing read = store.list();
      PolicyDirs.edit(policies.resolve("routes.yaml"), "weight: -5", "weight: 1");
      Pushed meanwhile = push(policies);
      assertThat(store.replace(Map.of("routes.yaml", new byte[0]), Set.of("gateway.yaml"),
          read.guardRevision(), "late")).isEmpty();
      assertThat(revision()).isEqualTo(meanwhile.revision());
    }

    // Pushing what the store holds writes nothing.
    long held = revision();
    CliRun again = CliRun.of("push", policies.toString(), "--etcd", url);
    assertThat(again.out()).contains("unchanged");
    assertThat(revision()).isEqualTo(held);
  }

  @Test
  void anOutageWithACompactionCostsOnlyTimeAndNothingIsPushedTwice() throws Exception {
    push(policies);
    serve();
    Map<String, String> before = PolicyDirs.typeVersionsOf(policies);
    awaitAcked(before);

    etcd.stop();
    await().atMost(PATIENCE).untilAsserted(() -> {
      assertThat(status().get("source").has("error")).isTrue();
      assertThat(metrics()).contains("llm_xds_source_up 0.0");
    });
    // ~10 s down: serving goes on, and the control plane stays ready.
    await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(12)).untilAsserted(() -> {
      assertThat(envoy.ackedVersions()).containsAllEntriesOf(before);
      assertThat(http.send(get("/readyz"), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    });

    etcd.startAgain();
    // Two pushes, then a compaction up to the newest revision: the revisions the watch last saw are gone.
    PolicyDirs.edit(policies.resolve("routes.yaml"), "weight: 90", "weight: 0");
    push(policies);
    PolicyDirs.edit(policies.resolve("routes.yaml"), "weight: 10", "weight: 100");
    Pushed last = push(policies);
    try (Client client = Client.builder().endpoints("http://127.0.0.1:" + etcd.clientPort()).build()) {
      client.getKVClient().compact(last.revision()).get();
    }

    Map<String, String> after = PolicyDirs.typeVersionsOf(policies);
    awaitAcked(after);
    await().atMost(PATIENCE).untilAsserted(() -> {
      assertThat(status().get("source").has("error")).isFalse();
      assertThat(status().get("source").get("revision").asLong()).isGreaterThanOrEqualTo(last.revision());
      assertThat(metrics()).contains("llm_xds_source_up 1.0");
    });
    // Each version reached the node once: a version is never sent twice, however often the source re-listed.
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      for (String type : after.keySet()) {
        List<String> versions = envoy.received(type).stream().map(AdsTestClient.Received::version).toList();
        assertThat(versions).as(type).doesNotHaveDuplicates().contains(after.get(type));
      }
    });
  }

  @Test
  void startedWhileEtcdIsDownItServesNothingUntilEtcdAnswers() throws Exception {
    etcd.stop();
    serve();
    assertThat(http.send(get("/readyz"), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(503);
    assertThat(status().get("lastReload").get("errors").get(0).asText()).startsWith("source: " + url + "/");

    etcd.startAgain();
    push(policies);
    awaitAcked(PolicyDirs.typeVersionsOf(policies));
    assertThat(http.send(get("/readyz"), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
  }

  @Test
  void aPushToAnUnreachableEtcdSaysSoAndExits2() throws Exception {
    etcd.stop();
    CliRun run = CliRun.of("push", policies.toString(), "--etcd", url);
    assertThat(run.exitCode()).as(run.out()).isEqualTo(PushCommand.ETCD_UNAVAILABLE);
    assertThat(run.out()).contains("etcd failed: " + url + "/").contains("nothing written");
  }

  @Test
  void withEtcdAuthOnlyThePasswordFromItsFileGetsIn() throws Exception {
    ByteSequence root = ByteSequence.from("root", StandardCharsets.UTF_8);
    try (Client client = Client.builder().endpoints("http://127.0.0.1:" + etcd.clientPort()).build()) {
      client.getAuthClient().userAdd(root, ByteSequence.from("s3cret-pw", StandardCharsets.UTF_8)).get();
      client.getAuthClient().roleAdd(root).get();
      client.getAuthClient().userGrantRole(root, root).get();
      client.getAuthClient().authEnable().get();
    }
    Path password = Files.writeString(tmp.resolve("etcd-password"), "s3cret-pw\n");
    Path wrong = Files.writeString(tmp.resolve("wrong-password"), "guess\n");

    CliRun anonymous = CliRun.of("push", policies.toString(), "--etcd", url);
    assertThat(anonymous.exitCode()).as(anonymous.out()).isEqualTo(PushCommand.ETCD_UNAVAILABLE);
    CliRun guessed = CliRun.of("push", policies.toString(), "--etcd", url, "--etcd-user", "root",
        "--etcd-password-file", wrong.toString());
    assertThat(guessed.exitCode()).as(guessed.out()).isEqualTo(PushCommand.ETCD_UNAVAILABLE);
    assertThat(guessed.out() + guessed.err()).doesNotContain("guess");
    CliRun ok = CliRun.of("push", policies.toString(), "--etcd", url, "--etcd-user", "root",
        "--etcd-password-file", password.toString());
    assertThat(ok.exitCode()).as(ok.out()).isZero();
    assertThat(ok.out()).contains("pushed config version").doesNotContain("s3cret-pw");
  }

  private record Pushed(String version, long revision) {}

  private Pushed push(Path dir) {
    CliRun run = CliRun.of("push", dir.toString(), "--etcd", url);
    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    Matcher m = PUSHED.matcher(run.out());
    assertThat(m.find()).as(run.out()).isTrue();
    return new Pushed(m.group(1), Long.parseLong(m.group(2)));
  }

  private long revision() throws Exception {
    try (EtcdStore store = EtcdStore.connect(EtcdTarget.parse(url), EtcdAccess.PLAINTEXT)) {
      return store.list().revision();
    }
  }

  private void serve() throws Exception {
    cp = ControlPlane.start(new ControlPlane.Settings(PolicySource.Opener.etcd(EtcdTarget.parse(url),
        EtcdAccess.PLAINTEXT), "127.0.0.1", 0, "127.0.0.1", 0, AdminToken.loadOrCreate(tmp.resolve("token")),
        PolicyDirectoryWatcher.DEFAULT_QUIET, PolicyDirectoryWatcher.DEFAULT_MAX_DELAY, Optional.empty(),
        ConfigCheck.NONE), telemetry.telemetry());
    envoy = AdsTestClient.connect(cp.xdsPort(), "envoy-1", "llm-gateway");
  }

  private SpanData reloadSpanOf(String version) {
    await().atMost(PATIENCE).until(() -> telemetry.spans(RELOAD_SPAN).stream()
        .anyMatch(s -> version.equals(s.getAttributes().get(CONFIG_VERSION))));
    return telemetry.spans(RELOAD_SPAN).stream()
        .filter(s -> version.equals(s.getAttributes().get(CONFIG_VERSION))).findFirst().orElseThrow();
  }

  private HttpRequest get(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cp.adminPort() + path)).build();
  }

  private JsonNode status() throws Exception {
    return JSON.readTree(http.send(get("/status"), HttpResponse.BodyHandlers.ofString()).body());
  }

  private String metrics() throws Exception {
    return http.send(get("/metrics"), HttpResponse.BodyHandlers.ofString()).body();
  }

  private void awaitAcked(Map<String, String> versions) {
    await().atMost(PATIENCE).untilAsserted(() -> versions.forEach(
        (type, version) -> assertThat(envoy.ackedVersion(type)).as(type).contains(version)));
  }
}
