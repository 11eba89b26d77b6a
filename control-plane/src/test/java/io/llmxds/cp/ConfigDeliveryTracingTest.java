package io.llmxds.cp;

import static io.llmxds.cp.observe.SpanAttributes.*;
import static io.llmxds.cp.testing.AdsTestClient.CDS;
import static io.llmxds.cp.testing.AdsTestClient.EDS;
import static io.llmxds.cp.testing.AdsTestClient.LDS;
import static io.llmxds.cp.testing.AdsTestClient.RDS;
import static io.llmxds.cp.testing.AdsTestClient.SDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.llmxds.common.testing.CapturedStderr;
import io.llmxds.cp.admin.AdminToken;
import io.llmxds.cp.reload.ReloadOutcome;
import io.llmxds.cp.source.PolicyDirectoryWatcher;
import io.llmxds.cp.testing.AdsTestClient;
import io.llmxds.cp.testing.PolicyDirs;
import io.llmxds.cp.testing.TestTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's story from issue 3: one trace per config version holds the reload and every node's push and
 * answer; a NACK is an ERROR push span with the node's own words; bad and unchanged saves push nothing.
 */
class ConfigDeliveryTracingTest {
  private static final Duration PATIENCE = Duration.ofSeconds(15);
  private static final String SECRET = "sk-example-replace-me";
  private static final String NACK_TEXT =
      "Route edge/llm/chat/chat: weighted cluster weight sum 0 (simulated Envoy rejection)";

  @TempDir Path tmp;
  private final TestTelemetry telemetry = new TestTelemetry();
  private CapturedStderr logs;
  private Path policies;
  private Path tokenFile;
  private ControlPlane cp;
  private AdsTestClient envoy;

  @BeforeEach
  void start() throws IOException {
    logs = new CapturedStderr();
    policies = PolicyDirs.copyExamples(Files.createDirectory(tmp.resolve("policies")));
    tokenFile = tmp.resolve("admin-token");
    connect(PolicyDirectoryWatcher.DEFAULT_QUIET);
  }

  /** Starts the control plane with the given watcher debounce and connects node envoy-1 to it. */
  private void connect(Duration debounce) throws IOException {
    cp = ControlPlane.start(new ControlPlane.Settings(policies, "127.0.0.1", 0, "127.0.0.1", 0,
        AdminToken.loadOrCreate(tokenFile), debounce, debounce), telemetry.telemetry());
    envoy = AdsTestClient.connect(cp.xdsPort(), "envoy-1", "llm-gateway");
    awaitAcked(envoy, PolicyDirs.typeVersionsOf(policies));
  }

  @AfterEach
  void stop() {
    envoy.close();
    cp.close();
    telemetry.close();
    logs.close();
  }

  @Test
  void oneTracePerVersionAndTheNackCarriesTheNodesOwnWords() throws Exception {
    SpanData startup = onlySpan(RELOAD_SPAN, s -> "startup".equals(s.getAttributes().get(TRIGGER)));
    String v1 = startup.getAttributes().get(CONFIG_VERSION);
    awaitPushes(v1, 5);
    for (SpanData push : pushes(v1)) {
      assertThat(push.getTraceId()).isEqualTo(startup.getTraceId());
      assertThat(push.getParentSpanId()).isEqualTo(startup.getSpanId());
      assertThat(push.getKind()).isEqualTo(SpanKind.PRODUCER);
      assertThat(push.getStatus().getStatusCode()).isEqualTo(StatusCode.OK);
      assertThat(push.getAttributes().get(OUTCOME)).isEqualTo("ack");
      assertThat(push.getAttributes().get(NODE_ID)).isEqualTo("envoy-1");
      assertThat(push.getAttributes().get(NODE_CLUSTER)).isEqualTo("llm-gateway");
    }
    assertThat(pushes(v1)).extracting(s -> s.getAttributes().get(TYPE_URL))
        .containsExactlyInAnyOrder(CDS, EDS, LDS, RDS, SDS);

    // The next version's routes are rejected by the node, which keeps the routes it has.
    String v1Rds = envoy.ackedVersion(RDS).orElseThrow();
    Path scratch = PolicyDirs.copy(policies, tmp.resolve("scratch"));
    PolicyDirs.edit(scratch.resolve("routes.yaml"), "weight: 90", "weight: 0");
    String rejectedRds = PolicyDirs.typeVersionsOf(scratch).get(RDS);
    String v2 = PolicyDirs.compiled(scratch).configVersion();
    envoy.rejectVersion(RDS, rejectedRds, NACK_TEXT);
    PolicyDirs.edit(policies.resolve("routes.yaml"), "weight: 90", "weight: 0");

    awaitPushes(v2, 1);
    SpanData reload2 = onlySpan(RELOAD_SPAN, s -> v2.equals(s.getAttributes().get(CONFIG_VERSION)));
    assertThat(reload2.getTraceId()).isNotEqualTo(startup.getTraceId());
    assertThat(reload2.getAttributes().get(CHANGES)).isEqualTo("ModelRoute/chat weights mock-a 90→0");
    SpanData nack = pushes(v2).get(0);
    assertThat(nack.getTraceId()).isEqualTo(reload2.getTraceId());
    assertThat(nack.getParentSpanId()).isEqualTo(reload2.getSpanId());
    assertThat(nack.getAttributes().get(TYPE_URL)).isEqualTo(RDS);
    assertThat(nack.getAttributes().get(VERSION)).isEqualTo(rejectedRds);
    assertThat(nack.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(nack.getStatus().getDescription()).isEqualTo(NACK_TEXT);
    assertThat(nack.getAttributes().get(ERROR_MESSAGE)).isEqualTo(NACK_TEXT);
    assertThat(nack.getAttributes().get(ERROR_CODE)).isEqualTo(3L);
    assertThat(nack.getAttributes().get(OUTCOME)).isEqualTo("nack");
    assertThat(nack.getAttributes().get(KEPT_VERSION)).isEqualTo(v1Rds);
    assertThat(nack.getEvents()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo(EXCEPTION_EVENT);
      assertThat(e.getAttributes().get(EXCEPTION_MESSAGE)).isEqualTo(NACK_TEXT);
    });

    // No resend storm: the rejected version went to this node exactly once, and stays that way.
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(envoy.received(RDS).stream().filter(r -> r.version().equals(rejectedRds))).hasSize(1);
      assertThat(pushes(v2)).hasSize(1);
    });
    assertThat(logs.text()).contains("NACK from node envoy-1").contains(NACK_TEXT)
        .contains(reload2.getTraceId());
  }

  @Test
  void aNodeThatConnectsLaterReceivesTheVersionInsideThatVersionsTrace() {
    SpanData startup = onlySpan(RELOAD_SPAN, s -> "startup".equals(s.getAttributes().get(TRIGGER)));
    String v1 = startup.getAttributes().get(CONFIG_VERSION);
    try (AdsTestClient late = AdsTestClient.connect(cp.xdsPort(), "envoy-2", "llm-gateway")) {
      awaitAcked(late, PolicyDirs.typeVersionsOf(policies));
      await().atMost(PATIENCE).until(() -> pushes(v1).stream()
          .filter(s -> "envoy-2".equals(s.getAttributes().get(NODE_ID))).count() == 5);
    }
    assertThat(pushes(v1)).filteredOn(s -> "envoy-2".equals(s.getAttributes().get(NODE_ID)))
        .allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(startup.getSpanId()));
  }

  @Test
  void anAdminReloadWithTraceparentJoinsTheCallersTrace() throws Exception {
    String callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    String callerSpan = "00f067aa0ba902b7";
    // A watcher that waits an hour: the save below reaches Envoy only through the admin API's reload.
    envoy.close();
    cp.close();
    connect(Duration.ofHours(1));
    PolicyDirs.edit(policies.resolve("ratelimits.yaml"), "requests: 100\n", "requests: 200\n");
    HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + cp.adminPort() + "/reload"))
        .header("Authorization", "Bearer " + Files.readString(tokenFile).strip())
        .header("traceparent", "00-" + callerTrace + "-" + callerSpan + "-01")
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);

    SpanData reload = onlySpan(RELOAD_SPAN, s -> "admin-api".equals(s.getAttributes().get(TRIGGER)));
    assertThat(reload.getTraceId()).isEqualTo(callerTrace);
    assertThat(reload.getParentSpanId()).isEqualTo(callerSpan);
    assertThat(reload.getAttributes().get(ACTOR)).isEqualTo("admin-api 127.0.0.1");
    assertThat(reload.getAttributes().get(CHANGES)).isEqualTo("RateLimit/default 100→200 rpm");
    String v2 = reload.getAttributes().get(CONFIG_VERSION);
    awaitPushes(v2, 1);
    assertThat(pushes(v2)).allSatisfy(p -> assertThat(p.getTraceId()).isEqualTo(callerTrace));
  }

  @Test
  void anInvalidSaveIsAFailedReloadWithItsErrorsAsEventsAndNoPush() {
    String good = cp.xds().current().orElseThrow().configVersion();
    int pushesBefore = telemetry.spans(PUSH_SPAN).size();
    PolicyDirs.edit(policies.resolve("routes.yaml"), "provider: mock-b", "provider: nowhere");

    await().atMost(PATIENCE).until(() -> !telemetry.spans(RELOAD_SPAN).stream()
        .filter(s -> s.getStatus().getStatusCode() == StatusCode.ERROR).toList().isEmpty());
    SpanData failed = onlySpan(RELOAD_SPAN, s -> s.getStatus().getStatusCode() == StatusCode.ERROR);
    assertThat(failed.getAttributes().get(RELOAD_STATUS)).isEqualTo("failure");
    assertThat(failed.getAttributes().get(TRIGGER)).isEqualTo("file-watch");
    assertThat(failed.getAttributes().get(CONFIG_VERSION)).isEqualTo(good);
    assertThat(failed.getEvents()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo(VALIDATION_ERROR_EVENT);
      assertThat(e.getAttributes().get(MESSAGE)).startsWith("routes.yaml:").contains("\"nowhere\"");
    });
    await().during(Duration.ofMillis(750)).atMost(Duration.ofSeconds(3))
        .until(() -> telemetry.spans(PUSH_SPAN).size() == pushesBefore);
    assertThat(cp.xds().current().orElseThrow().configVersion()).isEqualTo(good);
    assertThat(logs.text()).contains("\"status\":\"failure\"").contains(failed.getTraceId());
  }

  @Test
  void anUnchangedSaveIsAnUnchangedReloadAndPushesNothing() throws IOException {
    int pushesBefore = telemetry.spans(PUSH_SPAN).size();
    Path routes = policies.resolve("routes.yaml");
    Files.writeString(routes, Files.readString(routes) + "\n# a comment changes no policy\n");

    await().atMost(PATIENCE).until(() -> telemetry.spans(RELOAD_SPAN).stream()
        .anyMatch(s -> "unchanged".equals(s.getAttributes().get(RELOAD_STATUS))));
    assertThat(cp.reloader().lastOutcome().orElseThrow().status()).isEqualTo(ReloadOutcome.Status.UNCHANGED);
    await().during(Duration.ofMillis(750)).atMost(Duration.ofSeconds(3))
        .until(() -> telemetry.spans(PUSH_SPAN).size() == pushesBefore);
  }

  @Test
  void noSecretReachesASpanOrALogLine() {
    // A reload that rotates the secret, so that the secret's own change is traced and logged too.
    PolicyDirs.edit(policies.resolve("secrets/openai-api-key"), "replace-me", "rotated-value");
    await().atMost(PATIENCE).until(() -> telemetry.spans(RELOAD_SPAN).stream()
        .anyMatch(s -> String.valueOf(s.getAttributes().get(CHANGES)).contains("Provider/openai credential rotated")));
    awaitAcked(envoy, PolicyDirs.typeVersionsOf(policies));

    for (SpanData span : telemetry.spans()) {
      assertThat(span.toString()).doesNotContain(SECRET).doesNotContain("sk-example-rotated-value");
    }
    assertThat(logs.text()).doesNotContain(SECRET).doesNotContain("sk-example-rotated");
  }

  private List<SpanData> pushes(String configVersion) {
    return telemetry.spans(PUSH_SPAN).stream()
        .filter(s -> configVersion.equals(s.getAttributes().get(CONFIG_VERSION)))
        .toList();
  }

  private void awaitPushes(String configVersion, int count) {
    await().atMost(PATIENCE).until(() -> pushes(configVersion).size() >= count);
  }

  private SpanData onlySpan(String name, Predicate<SpanData> which) {
    await().atMost(PATIENCE).until(() -> telemetry.spans(name).stream().anyMatch(which));
    List<SpanData> matching = telemetry.spans(name).stream().filter(which).toList();
    assertThat(matching).hasSize(1);
    return matching.get(0);
  }

  private static void awaitAcked(AdsTestClient client, Map<String, String> versions) {
    await().atMost(PATIENCE).untilAsserted(() -> versions.forEach(
        (type, version) -> assertThat(client.ackedVersion(type)).as(type).contains(version)));
  }
}
