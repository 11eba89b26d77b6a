package io.llmxds.examples.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmxds.cp.observe.SpanAttributes;
import io.llmxds.cp.testing.LiveControlPlane;
import io.llmxds.cp.testing.PolicyDirs;
import io.llmxds.cp.testing.TestTelemetry;
import io.llmxds.examples.mockllm.MockLlmClient;
import io.llmxds.filters.config.BuiltInDefault;
import io.llmxds.filters.extproc.FakeEnvoy;
import io.llmxds.filters.server.ContextServer;
import io.llmxds.filters.testing.LoopbackContextServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The context service as a node of the real control plane (docs/data-path-config.md): it keeps serving through a
 * control-plane restart and ACKs the same version on the new one, and a service started before any control plane
 * answers runs the built-in default, says so in {@code /healthz}, and takes the config once one is there.
 */
class ContextServiceFollowsControlPlaneTest {
  private static final String NODE = "context-service-test";
  private static final String SESSION = "x-session-id";
  private static final List<String> TYPES = List.of(
      "type.googleapis.com/envoy.config.cluster.v3.Cluster",
      "type.googleapis.com/envoy.config.route.v3.RouteConfiguration");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path tmp;

  @Test
  void aControlPlaneRestartKeepsTheServiceServingAndItAcksTheSameVersionOnTheNewOne() throws Exception {
    Path policies = PolicyDirs.copyExamples(Files.createDirectory(tmp.resolve("policies")));
    Path token = tmp.resolve("admin-token");
    LiveControlPlane first = LiveControlPlane.serve(policies, token, 0);
    int xdsPort = first.controlPlane().xdsPort();
    try (TestTelemetry telemetry = new TestTelemetry();
         ContextServer service = LoopbackContextServer.following(telemetry.telemetry(), xdsPort);
         FakeEnvoy envoy = FakeEnvoy.connectedTo(service.port())) {
      String version = first.controlPlane().xds().current().orElseThrow().configVersion();
      LoopbackContextServer.awaitConfig(service, version);
      awaitSynced(first, version);
      assertThat(messagesSent(envoy, "s-1", "hello")).isEqualTo(1);

      first.close();
      await().atMost(LiveControlPlane.PATIENCE).until(() -> !xdsState(service).equals("connected"));
      assertThat(messagesSent(envoy, "s-1", "still there?")).as("serving through the outage").isEqualTo(3);
      assertThat(health(service).path("config").asText()).isEqualTo(version);

      try (LiveControlPlane second = LiveControlPlane.serve(policies, token, xdsPort)) {
        awaitSynced(second, version);
        assertThat(second.telemetry().spans(SpanAttributes.PUSH_SPAN))
            .filteredOn(s -> NODE.equals(s.getAttributes().get(SpanAttributes.NODE_ID)))
            .extracting(s -> s.getAttributes().get(SpanAttributes.TYPE_URL) + " "
                + s.getAttributes().get(SpanAttributes.OUTCOME))
            .as("each subscribed type pushed again and ACKed").contains(TYPES.get(0) + " ack", TYPES.get(1) + " ack");
        assertThat(xdsState(service)).isEqualTo("connected");
        assertThat(service.snapshot().config()).as("no switch: the same config").isEqualTo(version);
        assertThat(messagesSent(envoy, "s-1", "and now?")).isEqualTo(5);
      }
    }
  }

  @Test
  void withoutAControlPlaneTheServiceRunsTheBuiltInDefaultUntilOneServesIt() throws Exception {
    int xdsPort;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      xdsPort = free.getLocalPort(); // nothing listens there once closed: an unreachable control plane
    }
    try (TestTelemetry telemetry = new TestTelemetry();
         ContextServer service = LoopbackContextServer.following(telemetry.telemetry(), xdsPort);
         FakeEnvoy envoy = FakeEnvoy.connectedTo(service.port())) {
      JsonNode health = health(service);
      assertThat(health.path("status").asText()).isEqualTo("ok");
      assertThat(health.path("config").asText()).isEqualTo(BuiltInDefault.CONFIG);
      assertThat(health.path("xds").path("server").asText()).isEqualTo("127.0.0.1:" + xdsPort);
      assertThat(health.path("xds").path("state").asText()).isNotEqualTo("connected");
      assertThat(messagesSent(envoy, "s-2", "hello")).as("the built-in default keeps history").isEqualTo(1);
      assertThat(messagesSent(envoy, "s-2", "again")).isEqualTo(3);

      Path policies = PolicyDirs.copyExamples(Files.createDirectory(tmp.resolve("policies")));
      try (LiveControlPlane cp = LiveControlPlane.serve(policies, tmp.resolve("admin-token"), xdsPort)) {
        String version = cp.controlPlane().xds().current().orElseThrow().configVersion();
        LoopbackContextServer.awaitConfig(service, version);
        awaitSynced(cp, version);
        assertThat(health(service).path("config").asText()).isEqualTo(version);
        assertThat(xdsState(service)).isEqualTo("connected");
        assertThat(messagesSent(envoy, "s-2", "and with a config?"))
            .as("the config's memory store is the built-in one: the history stays").isEqualTo(5);
      }
    }
  }

  /** Waits until {@code GET /status} shows the service synced on every type at {@code version}. */
  private static void awaitSynced(LiveControlPlane cp, String version) {
    await().atMost(LiveControlPlane.PATIENCE).untilAsserted(() -> {
      JsonNode node = node(cp);
      assertThat(node.path("flavor").asText()).isEqualTo("context-service");
      assertThat(node.path("configVersion").asText()).isEqualTo(version);
      for (String type : TYPES) {
        assertThat(node.path("types").path(type).path("state").asText()).as(type).isEqualTo("SYNCED");
      }
    });
  }

  private static JsonNode node(LiveControlPlane cp) throws IOException {
    JsonNode status = MockLlmClient.JSON.readTree(cp.get("/status").body());
    for (JsonNode node : status.path("nodes")) {
      if (node.path("node").asText().equals(NODE)) {
        return node;
      }
    }
    throw new AssertionError(NODE + " is not in " + status);
  }

  /**
   * One body-only chat request of {@code session} through the service, the upstream answering "ok": how many
   * messages the upstream was sent (the new one plus the injected history).
   */
  private static int messagesSent(FakeEnvoy envoy, String session, String text) throws IOException {
    String body = MockLlmClient.chat("chat", false, text);
    FakeEnvoy.Answers answers = envoy.exchange(Map.of(),
        FakeEnvoy.headers(":method", "POST", ":path", "/v1/chat/completions", SESSION, session), body,
        forwarded -> new FakeEnvoy.Upstream(FakeEnvoy.headers(":status", "200", "content-type", "application/json"),
            List.of(("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"ok\"}}]}")
                .getBytes(StandardCharsets.UTF_8))));
    assertThat(answers.localReply()).isEmpty();
    return MockLlmClient.JSON.readTree(answers.upstreamBody(body)).path("messages").size();
  }

  private static String xdsState(ContextServer service) throws IOException, InterruptedException {
    return health(service).path("xds").path("state").asText();
  }

  private static JsonNode health(ContextServer service) throws IOException, InterruptedException {
    HttpResponse<String> reply = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + service.adminPort() + "/healthz")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(reply.statusCode()).isEqualTo(200);
    return MockLlmClient.JSON.readTree(reply.body());
  }
}
