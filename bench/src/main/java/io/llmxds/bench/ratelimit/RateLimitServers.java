package io.llmxds.bench.ratelimit;

import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.llmxds.common.Telemetry;
import io.llmxds.filters.config.XdsServerAddress;
import io.llmxds.filters.extproc.ContextProcessor;
import io.llmxds.filters.server.ContextServer;
import io.llmxds.filters.store.InMemoryContextStore;
import io.llmxds.filters.testing.LocalRedis;
import io.llmxds.filters.testing.TestAdsServer;
import io.llmxds.filters.testing.TestDataPath;
import io.llmxds.filters.testing.TestLimits;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The server side of {@code bin/bench-ratelimit}, a process of its own: a redis-server, a test control plane, the
 * data-path service ({@code ContextServer} as {@code llm-xds-filters serve} runs it) configured with one global limit
 * on that Redis, and the floor — a gRPC server on the same stack whose RateLimitService answers OK without Redis.
 * Prints {@code PORTS <floor> <service> <redis pid>} and runs until its stdin closes.
 */
public final class RateLimitServers {
  /** A request rule and a token rule per consumer, amounts no load reaches: every check runs the script, none is refused. */
  static final String LIMITS = "{" + TestLimits.limit("bench", "counters", "chat",
      "[{'kind': 'all', 'rules': [{'kind': 'rate', 'unit': 'requests', 'amount': 100000000, 'window': 60}, "
          + "{'kind': 'rate', 'unit': 'tokens', 'amount': 100000000, 'window': 60}]}]", "") + "}";

  private RateLimitServers() {}

  public static void main(String[] args) throws Exception {
    try (LocalRedis redis = LocalRedis.start(); TestAdsServer controlPlane = TestAdsServer.start();
        Telemetry telemetry = Telemetry.autoconfigured("llm-xds-bench-ratelimit")) {
      TestDataPath.Config config = TestDataPath.Config.of("bench",
          List.of(TestDataPath.memoryStore(), TestDataPath.redisStore("counters", redis.uri())),
          TestDataPath.routeWithoutPolicy("chat", "gpt-4o-mini")).withLimits(TestLimits.table(LIMITS));
      controlPlane.serve(config);
      String loopback = InetAddress.getLoopbackAddress().getHostAddress();
      Server floor = NettyServerBuilder.forAddress(new InetSocketAddress(loopback, 0)).addService(new NoopLimits())
          .build().start();
      try (ContextServer service = ContextServer.start(new ContextServer.Settings(loopback, 0, loopback, 0,
          Optional.of(new XdsServerAddress(loopback, controlPlane.port())), Optional.of("bench-ratelimit"),
          Duration.ofHours(1), ContextProcessor.DEFAULT_MAX_BODY_BYTES, InMemoryContextStore.DEFAULT_MAX_CHARS),
          telemetry)) {
        controlPlane.awaitAcked(config);
        long redisPid = ProcessHandle.current().descendants()
            .filter(p -> p.info().command().orElse("").contains("redis")).findFirst().orElseThrow().pid(); // Debian: redis-check-rdb
        System.out.println("PORTS " + floor.getPort() + " " + service.port() + " " + redisPid);
        System.out.flush();
        // Until the load generator lets go.
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).lines().forEach(line -> { });
      } finally {
        floor.shutdownNow();
      }
    }
  }

  /** The floor: gRPC, protobuf and loopback, no Redis, no decision. */
  static final class NoopLimits extends RateLimitServiceGrpc.RateLimitServiceImplBase {
    private static final RateLimitResponse OK = RateLimitResponse.newBuilder()
        .setOverallCode(RateLimitResponse.Code.OK).build();

    @Override
    public void shouldRateLimit(RateLimitRequest request, StreamObserver<RateLimitResponse> responses) {
      responses.onNext(OK);
      responses.onCompleted();
    }
  }
}
