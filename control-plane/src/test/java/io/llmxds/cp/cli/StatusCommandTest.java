package io.llmxds.cp.cli;

import static io.llmxds.cp.testing.AdsTestClient.RDS;
import static io.llmxds.cp.testing.LiveControlPlane.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmxds.cp.observe.SpanAttributes;
import io.llmxds.cp.testing.AdsTestClient;
import io.llmxds.cp.testing.LiveControlPlane;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code llm-xds status} against a live control plane with two nodes, one of which NACKs. */
class StatusCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MESSAGE = "route chat: weights must add up to 100 (simulated Envoy rejection)";

  @TempDir Path tmp;

  @Test
  void showsBothNodesSyncedThenTheNackWithItsMessageAndTraceAndExitsOne() throws Exception {
    try (LiveControlPlane live = LiveControlPlane.start(tmp)) {
      AdsTestClient a = live.connectSynced("envoy-a");
      AdsTestClient b = live.connectSynced("envoy-b");
      String v1 = live.controlPlane().xds().current().orElseThrow().configVersion();

      CliRun synced = CliRun.of("status", "--admin", live.adminUrl());
      assertThat(synced.exitCode()).as(synced.err()).isZero();
      assertThat(cells(synced, 0)).containsExactly("NODE", "CLUSTER", "FLAVOR", "CDS", "EDS", "LDS", "RDS", "SDS",
          "VERSION", "LAST PUSH");
      assertThat(cells(synced, 1)).startsWith("envoy-a", "llm-gateway", "edge", "SYNCED", "SYNCED", "SYNCED",
          "SYNCED", "SYNCED", v1);
      assertThat(cells(synced, 2)).startsWith("envoy-b", "llm-gateway", "edge", "SYNCED", "SYNCED", "SYNCED",
          "SYNCED", "SYNCED", v1);

      String rejected = live.applyOneEditThenNackTheNext(b, MESSAGE);
      String v3 = live.controlPlane().xds().current().orElseThrow().configVersion();
      String traceId = nackedPushTrace(live, "envoy-b", rejected);
      await().atMost(PATIENCE).until(() -> rdsOf(status(live), "envoy-b").path("state").asText().equals("NACKED"));

      JsonNode status = status(live);
      JsonNode nacked = rdsOf(status, "envoy-b");
      assertThat(nacked.get("error").asText()).isEqualTo(MESSAGE);
      assertThat(nacked.get("traceId").asText()).isEqualTo(traceId);
      assertThat(nacked.get("sentVersion").asText()).isEqualTo(rejected);
      assertThat(nacked.get("ackedVersion").asText()).isEqualTo(b.ackedVersion(RDS).orElseThrow());
      assertThat(node(status, "envoy-a").get("configVersion").asText()).isEqualTo(v3);
      assertThat(node(status, "envoy-b").get("configVersion").asText()).isNotIn(v3, "");

      CliRun run = CliRun.of("status", "--admin", live.adminUrl());
      assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(StatusCommand.NACKED);
      assertThat(cells(run, 1)).startsWith("envoy-a", "llm-gateway", "edge", "SYNCED", "SYNCED", "SYNCED", "SYNCED",
          "SYNCED", v3);
      assertThat(cells(run, 2)).startsWith("envoy-b", "llm-gateway", "edge", "SYNCED", "SYNCED", "SYNCED", "NACKED",
          "SYNCED");
      assertThat(run.out()).contains("NACK envoy-b RDS: " + MESSAGE + " [trace " + traceId + "]");
      assertThat(run.out()).contains("config version served: " + v3);
      assertThat(run.out() + live.get("/status").body()).doesNotContain("sk-example-replace-me");
    }
  }

  @Test
  void aRollbackToWhatTheNackingNodeKeptMakesItSyncedAgain() throws Exception {
    try (LiveControlPlane live = LiveControlPlane.start(tmp)) {
      live.connectSynced("envoy-a");
      AdsTestClient b = live.connectSynced("envoy-b");
      live.applyOneEditThenNackTheNext(b, MESSAGE);
      await().atMost(PATIENCE).until(() -> rdsOf(status(live), "envoy-b").path("state").asText().equals("NACKED"));

      // Back to the content envoy-b still runs: its version is served again, and nothing needs pushing to it.
      live.editAndReload("routes.yaml", "weight: 30", "weight: 50");
      String served = live.controlPlane().xds().current().orElseThrow().configVersion();

      await().atMost(PATIENCE).until(() -> rdsOf(status(live), "envoy-b").path("state").asText().equals("SYNCED"));
      assertThat(node(status(live), "envoy-b").get("configVersion").asText()).isEqualTo(served);
      CliRun run = CliRun.of("status", "--admin", live.adminUrl());
      assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
      assertThat(run.out()).doesNotContain("NACK");
    }
  }

  @Test
  void exitsTwoWhenTheAdminApiCannotBeReached() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    CliRun run = CliRun.of("status", "--admin", "http://127.0.0.1:" + closedPort);
    assertThat(run.exitCode()).isEqualTo(StatusCommand.UNREACHABLE);
    assertThat(run.err()).contains("cannot reach the admin API at http://127.0.0.1:" + closedPort + "/status");
  }

  /** The cells of the table's {@code row}-th line (0 is the header): columns are two or more spaces apart. */
  private static List<String> cells(CliRun run, int row) {
    List<String> lines = run.out().lines().filter(l -> !l.startsWith("config version served:")).toList();
    return Arrays.asList(lines.get(row).split(" {2,}"));
  }

  /** The trace of the push {@code nodeId} NACKed: the xds.push span of that version ends with the answer. */
  private static String nackedPushTrace(LiveControlPlane live, String nodeId, String version) {
    await().atMost(PATIENCE).until(() -> pushSpan(live, nodeId, version).size() == 1);
    return pushSpan(live, nodeId, version).get(0).getTraceId();
  }

  private static List<SpanData> pushSpan(LiveControlPlane live, String nodeId, String version) {
    return live.telemetry().spans(SpanAttributes.PUSH_SPAN).stream()
        .filter(s -> nodeId.equals(s.getAttributes().get(SpanAttributes.NODE_ID)))
        .filter(s -> version.equals(s.getAttributes().get(SpanAttributes.VERSION)))
        .toList();
  }

  private static JsonNode status(LiveControlPlane live) throws IOException {
    return JSON.readTree(live.get("/status").body());
  }

  private static JsonNode node(JsonNode status, String nodeId) {
    for (JsonNode node : status.get("nodes")) {
      if (node.get("node").asText().equals(nodeId)) {
        return node;
      }
    }
    throw new AssertionError("no node " + nodeId + " in " + status);
  }

  private static JsonNode rdsOf(JsonNode status, String nodeId) {
    return node(status, nodeId).get("types").get(RDS);
  }
}
