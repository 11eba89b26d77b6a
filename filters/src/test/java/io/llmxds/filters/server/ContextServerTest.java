package io.llmxds.filters.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmxds.common.Telemetry;
import io.llmxds.filters.extproc.ContextProcessor;
import io.llmxds.filters.extproc.FakeEnvoy;
import io.llmxds.filters.store.InMemoryContextStore;
import io.llmxds.filters.store.StoreException;
import io.llmxds.filters.testing.TestStores;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContextServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private static ContextServer.Settings settings(Optional<String> redis) {
    return new ContextServer.Settings("127.0.0.1", 0, "127.0.0.1", 0, redis, Duration.ofHours(24),
        ContextProcessor.DEFAULT_MAX_BODY_BYTES, InMemoryContextStore.DEFAULT_MAX_CHARS);
  }

  private HttpResponse<String> get(ContextServer server, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.adminPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesExtProcOverGrpcWithBothStoresAndItsMetricsAndHealthOverHttp() throws Exception {
    try (Telemetry telemetry = Telemetry.autoconfigured("llm-xds-filters");
         ContextServer server = ContextServer.start(settings(Optional.of(TestStores.sharedRedis().uri())),
             telemetry);
         FakeEnvoy envoy = FakeEnvoy.connectedTo(server.port())) {
      assertThat(server.stores()).containsExactly("memory", "redis");
      for (String store : List.of("memory", "redis")) {
        FakeEnvoy.Answers answers = envoy.exchange(new FakeEnvoy.Http(
            FakeEnvoy.headers("x-llm-route", "chat", "x-llm-context-policy", "p", "x-llm-context-policy-version", "v",
                "x-llm-context-schema", "v2", "x-llm-context-mode", "strict", "x-llm-context-max-turns", "4",
                "x-llm-context-max-chars", "1000", "x-llm-context-store", store, "x-llm-context-failure-mode",
                "closed", "x-llm-context-session-header", "x-session-id"),
            FakeEnvoy.headers(":method", "POST", ":path", "/v1/chat/completions", "x-session-id", "s"),
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            FakeEnvoy.headers(":status", "200", "content-type", "application/json"),
            List.of("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"yo\"}}]}"
                .getBytes(StandardCharsets.UTF_8))));
        assertThat(answers.requestBody().hasImmediateResponse()).as(store + " is reachable").isFalse();
      }

      HttpResponse<String> health = get(server, "/healthz");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
      HttpResponse<String> metrics = get(server, "/metrics");
      assertThat(metrics.body()).contains("llm_xds_context_requests_total{outcome=\"injected\"} 2.0");
      assertThat(get(server, "/metricsx").statusCode()).isEqualTo(404);
    }
  }

  /**
   * Envoy sends a buffered body as one gRPC message, up to the Gateway's buffer (8 MiB by default); gRPC's own
   * default limit of 4 MiB would fail the stream and the request would pass without its model.
   */
  @Test
  void anEightMebibyteBodyIsServedAndALargerOneGetsAJson413() throws Exception {
    try (Telemetry telemetry = Telemetry.autoconfigured("llm-xds-filters");
         ContextServer server = ContextServer.start(settings(Optional.empty()), telemetry);
         FakeEnvoy envoy = FakeEnvoy.connectedTo(server.port())) {
      String prefix = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"";
      String suffix = "\"}]}";
      int limit = (int) ContextProcessor.DEFAULT_MAX_BODY_BYTES;
      String atTheLimit = prefix + "x".repeat(limit - prefix.length() - suffix.length()) + suffix;
      FakeEnvoy.Answers served = envoy.exchange(Map.of(), chatHeaders(), atTheLimit,
          forwarded -> new FakeEnvoy.Upstream(FakeEnvoy.headers(":status", "200"), List.of(new byte[0])));
      assertThat(served.localReply()).isEmpty();
      assertThat(served.forwarded().headers()).containsEntry("x-llm-model", "m");

      String overTheLimit = prefix + "x".repeat(limit + 1) + suffix;
      FakeEnvoy.Answers refused = envoy.exchange(Map.of(), chatHeaders(), overTheLimit,
          forwarded -> { throw new AssertionError("sent upstream"); });
      assertThat(refused.localReply()).hasValueSatisfying(r -> {
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.body()).contains("\"code\":\"request_too_large\"");
      });
    }
  }

  private static Map<String, String> chatHeaders() {
    return FakeEnvoy.headers(":method", "POST", ":path", "/v1/chat/completions", "content-type", "application/json");
  }

  @Test
  void refusesToStartWhenTheConfiguredRedisIsUnreachable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    try (Telemetry telemetry = Telemetry.autoconfigured("llm-xds-filters")) {
      assertThatThrownBy(() -> ContextServer.start(
          settings(Optional.of("redis://127.0.0.1:" + closedPort)), telemetry))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("unreachable");
    }
  }
}
