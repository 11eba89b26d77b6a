package io.llmxds.filters.server;

import static io.llmxds.filters.testing.TestDataPath.memoryStore;
import static io.llmxds.filters.testing.TestDataPath.redisStore;
import static io.llmxds.filters.testing.TestDataPath.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.llmxds.common.GlobalRateLimits;
import io.llmxds.common.Telemetry;
import io.llmxds.filters.config.XdsServerAddress;
import io.llmxds.filters.extproc.ContextProcessor;
import io.llmxds.filters.extproc.FakeEnvoy;
import io.llmxds.filters.testing.LoopbackContextServer;
import io.llmxds.filters.testing.TestAdsServer;
import io.llmxds.filters.testing.TestDataPath;
import io.llmxds.filters.testing.TestLimits;
import io.llmxds.filters.testing.TestStores;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContextServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(ContextServer server, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.adminPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode health(ContextServer server) throws Exception {
    return JSON.readTree(get(server, "/healthz").body());
  }

  private static XdsServerAddress at(TestAdsServer ads) {
    return new XdsServerAddress("127.0.0.1", ads.port());
  }

  @Test
  void withoutXdsItServesTheBuiltInDefaultAndSaysSo() throws Exception {
    try (Telemetry telemetry = Telemetry.autoconfigured("llm-xds-filters");
         ContextServer server = LoopbackContextServer.start(telemetry);
         FakeEnvoy envoy = FakeEnvoy.connectedTo(server.port())) {
      HttpResponse<String> health = get(server, "/healthz");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("{\"status\":\"ok\",\"config\":\"built-in default\"}");

      String session = "s-" + java.util.UUID.randomUUID();
      chat(envoy, "any-model", session, "hi");
      FakeEnvoy.Answers second = chat(envoy, "other-model", session, "again");
      assertThat(second.forwarded().body()).contains("\"content\":\"hi\"").contains("\"content\":\"yo\"");
      assertThat(get(server, "/metrics").body())
          .contains("llm_xds_context_config_info{config_version=\"built-in default\"} 1");
    }
  }

  /** The config names both stores; each route's model picks its store, and /healthz shows the config it runs. */
  @Test
  void servesTheControlPlanesConfigWithBothStoresAndItsMetricsAndHealthOverHttp() throws Exception {
    TestDataPath.Config config = TestDataPath.Config.of("v1",
        List.of(memoryStore(), redisStore("redis", TestStores.sharedRedis().uri())),
        route("on-memory", TestDataPath.Policy.of("p", "memory").withFailureMode("closed"), "m-memory"),
        route("on-redis", TestDataPath.Policy.of("p", "redis").withFailureMode("closed"), "m-redis"));
    try (Configured configured = Configured.by(config)) {
      ContextServer server = configured.server();
      TestAdsServer ads = configured.ads();
      assertThat(health(server).path("config").asText()).isEqualTo("v1");
      JsonNode xds = health(server).path("xds");
      assertThat(xds.path("state").asText()).isEqualTo("connected");
      assertThat(xds.path("server").asText()).isEqualTo("127.0.0.1:" + ads.port());
      assertThat(xds.path("versions").path("CDS").asText()).isEqualTo("v1");
      assertThat(xds.path("versions").path("RDS").asText()).isEqualTo("v1");
      assertThat(ads.requests().get(0).node()).hasValueSatisfying(node -> {
        assertThat(node.getId()).isEqualTo("context-service-test");
        assertThat(node.getCluster()).isEqualTo("llm-xds-context");
        assertThat(node.getMetadata().getFieldsOrThrow("llm-xds.io/flavor").getStringValue())
            .isEqualTo("context-service");
      });

      for (String model : List.of("m-memory", "m-redis")) {
        FakeEnvoy.Answers answers = chat(configured.envoy(), model, "s-" + java.util.UUID.randomUUID(), "hi");
        assertThat(answers.requestBody().hasImmediateResponse()).as(model + "'s store is reachable").isFalse();
      }
      String metrics = get(server, "/metrics").body();
      assertThat(metrics).contains("llm_xds_context_requests_total{outcome=\"injected\"} 2.0")
          .contains("llm_xds_context_config_info{config_version=\"v1\"} 1")
          .contains("llm_xds_context_config_acks_total{type=\"cds\"} 1.0")
          .contains("llm_xds_context_config_acks_total{type=\"rds\"} 1.0");
      assertThat(get(server, "/metricsx").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void anUnreachableControlPlaneLeavesTheBuiltInDefaultServingAndHealthSaysWhy() throws Exception {
    try (Telemetry telemetry = Telemetry.autoconfigured("llm-xds-filters");
         ContextServer server = LoopbackContextServer.start(telemetry,
             Optional.of(new XdsServerAddress("127.0.0.1", closedPort())))) {
      await().untilAsserted(() -> {
        JsonNode health = health(server);
        assertThat(health.path("config").asText()).isEqualTo("built-in default");
        assertThat(health.path("xds").path("state").asText()).isEqualTo("reconnecting");
        assertThat(health.path("xds").path("last_error").asText()).startsWith("UNAVAILABLE");
      });
      assertThat(get(server, "/metrics").body()).containsPattern("llm_xds_context_config_reconnects_total [1-9]");
    }
  }

  /**
   * Envoy sends a buffered body as one gRPC message, up to the Gateway's buffer (8 MiB by default); gRPC's own
   * default limit of 4 MiB would fail the stream and the request would pass without its model.
   */
  @Test
  void anEightMebibyteBodyIsServedAndALargerOneGetsAJson413() throws Exception {
    try (Telemetry telemetry = Telemetry.autoconfigured("llm-xds-filters");
         ContextServer server = LoopbackContextServer.start(telemetry);
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

  /** The table's max_body_bytes (the Gateway's limit) replaces --max-body once it is applied. */
  @Test
  void theConfigsBodyLimitReplacesTheDefault() throws Exception {
    TestDataPath.Config config = TestDataPath.Config.of("v1", List.of(memoryStore()),
        route("chat", TestDataPath.Policy.of("p", "memory"), "m")).withMaxBodyBytes(1024);
    try (Configured configured = Configured.by(config)) {
      String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(1024) + "\"}]}";
      FakeEnvoy.Answers refused = configured.envoy().exchange(Map.of(), chatHeaders(), body,
          forwarded -> { throw new AssertionError("sent upstream"); });
      assertThat(refused.localReply()).hasValueSatisfying(r -> assertThat(r.body()).contains("limit of 1024 bytes"));
    }
  }

  /** A context server configured over ADS by a test control plane, once it runs the config. */
  /** The key check is served on the ext_proc port, by the snapshot the service runs. */
  @Test
  void servesTheKeyCheckOnTheSamePortFailingClosedUntilTheConfigHasConsumers() throws Exception {
    TestDataPath.Config config = TestDataPath.Config.of("v1", List.of(memoryStore()),
        route("chat", TestDataPath.Policy.of("p", "memory"), "m")).withConsumers(TestDataPath.Consumer.of("a", "k-a"));
    Map<String, String> request = FakeEnvoy.headers(":method", "POST", ":path", "/v1/chat/completions",
        "x-api-key", "k-a");
    try (Telemetry telemetry = Telemetry.autoconfigured("llm-xds-filters");
         ContextServer server = LoopbackContextServer.start(telemetry);
         FakeEnvoy envoy = FakeEnvoy.connectedTo(server.port())) {
      assertThat(envoy.extAuthz().check(request).localReply()).hasValueSatisfying(reply ->
          assertThat(reply.status()).isEqualTo(503));
    }
    try (Configured configured = Configured.by(config)) {
      assertThat(configured.envoy().extAuthz().check(request).forwarded().orElseThrow())
          .containsEntry("x-llm-consumer", "a").doesNotContainKey("x-api-key");
      assertThat(get(configured.server(), "/metrics").body())
          .contains("llm_xds_auth_checks_total{consumer=\"a\",outcome=\"ok\"} 1.0");
    }
  }

  @Test
  void servesTheRateLimitServiceOnTheSamePortAndShowsEachLimitInHealth() throws Exception {
    TestDataPath.Config config = TestDataPath.Config.of("v1",
        List.of(memoryStore(), redisStore("counters", TestStores.sharedRedis().uri())),
        TestDataPath.routeWithoutPolicy("chat", "m"))
        .withLimits(TestLimits.table("{" + TestLimits.limit("health-" + java.util.UUID.randomUUID(), "counters",
            "chat", "[{'kind': 'all', 'rules': [{'kind': 'rate', 'unit': 'requests', 'amount': 1, 'window': 3600}]}]",
            "") + "}"));
    String limit = config.table().getVirtualHosts(0).getMetadata()
        .getFilterMetadataOrThrow(GlobalRateLimits.LIMITS_METADATA).getFieldsMap().keySet().iterator().next();
    try (Configured configured = Configured.by(config)) {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", configured.server().port())
          .usePlaintext().build();
      try {
        RateLimitServiceGrpc.RateLimitServiceBlockingStub rls = RateLimitServiceGrpc.newBlockingStub(channel);
        RateLimitRequest request = RateLimitRequest.newBuilder().setDomain(GlobalRateLimits.DOMAIN)
            .addDescriptors(RateLimitDescriptor.newBuilder()
                .addEntries(entry(GlobalRateLimits.LIMIT_ENTRY, limit))
                .addEntries(entry(GlobalRateLimits.ROUTE_ENTRY, "chat"))
                .addEntries(entry(GlobalRateLimits.CONSUMER_ENTRY, "a"))
                .addEntries(entry(GlobalRateLimits.TIER_ENTRY, "gold"))
                .addEntries(entry(GlobalRateLimits.CHARGE_ENTRY, GlobalRateLimits.CHARGE_REQUEST)))
            .build();
        assertThat(rls.shouldRateLimit(request).getOverallCode()).isEqualTo(RateLimitResponse.Code.OK);
        assertThat(rls.shouldRateLimit(request).getOverallCode()).isEqualTo(RateLimitResponse.Code.OVER_LIMIT);
      } finally {
        channel.shutdownNow();
      }
      JsonNode shown = health(configured.server()).path("rate_limits").path(limit);
      assertThat(shown.path("store").asText()).isEqualTo("counters");
      assertThat(shown.path("enforce").asBoolean()).isTrue();
      assertThat(shown.path("failure_mode").asText()).isEqualTo("open");
      assertThat(shown.path("decisions").path("ok").asLong()).isEqualTo(1);
      assertThat(shown.path("decisions").path("over_limit").asLong()).isEqualTo(1);
      assertThat(shown.path("decisions").path("error_open").asLong()).isZero();
      assertThat(shown.has("last_error")).isFalse();
      assertThat(get(configured.server(), "/metrics").body())
          .contains("llm_xds_ratelimit_decisions_total{decision=\"over_limit\",route=\"chat\",tier=\"gold\"} 1.0");
    }
  }

  private static RateLimitDescriptor.Entry entry(String key, String value) {
    return RateLimitDescriptor.Entry.newBuilder().setKey(key).setValue(value).build();
  }

  private record Configured(TestAdsServer ads, Telemetry telemetry, ContextServer server, FakeEnvoy envoy)
      implements AutoCloseable {

    static Configured by(TestDataPath.Config config) throws Exception {
      TestAdsServer ads = TestAdsServer.start();
      Telemetry telemetry = Telemetry.autoconfigured("llm-xds-filters");
      ContextServer server = LoopbackContextServer.start(telemetry, Optional.of(at(ads)));
      ads.serve(config);
      ads.awaitAcked(config);
      await().until(() -> server.snapshot().config().equals(config.version()));
      return new Configured(ads, telemetry, server, FakeEnvoy.connectedTo(server.port()));
    }

    @Override
    public void close() {
      envoy.close();
      server.close();
      telemetry.close();
      ads.close();
    }
  }

  private static FakeEnvoy.Answers chat(FakeEnvoy envoy, String model, String session, String content) {
    return envoy.exchange(new FakeEnvoy.Http(Map.of(),
        FakeEnvoy.headers(":method", "POST", ":path", "/v1/chat/completions", "x-session-id", session),
        "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}",
        FakeEnvoy.headers(":status", "200", "content-type", "application/json"),
        List.of("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"yo\"}}]}"
            .getBytes(StandardCharsets.UTF_8))));
  }

  private static Map<String, String> chatHeaders() {
    return FakeEnvoy.headers(":method", "POST", ":path", "/v1/chat/completions", "content-type", "application/json");
  }

  static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
