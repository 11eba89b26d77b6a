package io.llmxds.filters.ratelimit;

import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.llmxds.filters.config.AdsClient;
import io.llmxds.filters.config.ConfigMetrics;
import io.llmxds.filters.config.LiveSnapshot;
import io.llmxds.filters.config.XdsServerAddress;
import io.llmxds.filters.store.ContextStores;
import io.llmxds.filters.store.InMemoryContextStore;
import io.llmxds.filters.testing.TestAdsServer;
import io.llmxds.filters.testing.TestDataPath;
import io.llmxds.filters.testing.TestTracing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One replica of the data-path service as far as global limits go: its snapshots (real stores: Redis is real), the
 * ADS client a test control plane configures, and the rate-limit service on a real loopback gRPC server, with spans,
 * meters and a clock the test controls.
 */
final class RateLimitHarness implements AutoCloseable {
  /** A quiet moment: five seconds into a minute, an hour, a day, a month, so no window ends during a test. */
  static final Instant START = Instant.parse("2026-12-02T00:00:05Z");

  final TestTracing tracing = new TestTracing();
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final TestClock clock = new TestClock(START);
  final LimitTelemetry telemetry = new LimitTelemetry(meters, clock);
  final TestAdsServer controlPlane;
  final LiveSnapshot snapshots;
  final AdsClient ads;
  final Server server;

  RateLimitHarness() throws Exception {
    this(null);
  }

  /** With the gRPC server's calls on {@code executor}; null: gRPC's default (unbounded) executor. */
  RateLimitHarness(Executor executor) throws Exception {
    controlPlane = TestAdsServer.start();
    snapshots = LiveSnapshot.startingWithBuiltInDefault(new ContextStores(InMemoryContextStore.DEFAULT_MAX_CHARS),
        1 << 20, Runnable::run);
    ads = AdsClient.start(new XdsServerAddress("127.0.0.1", controlPlane.port()), "rls-test", snapshots,
        AdsClient.WAIT_LIMIT, new ConfigMetrics(meters, snapshots));
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new RateLimitService(snapshots, tracing.openTelemetry(), telemetry, clock).service())
        .executor(executor)
        .build().start();
  }

  /** A config of one route {@code chat} (no context policy) whose limits count in {@code store}. */
  static TestDataPath.Config config(String version, Cluster store, String limitsJson) {
    return TestDataPath.Config.of(version, List.of(TestDataPath.memoryStore(), store),
        TestDataPath.routeWithoutPolicy("chat", "gpt-4o-mini"))
        .withLimits(io.llmxds.filters.testing.TestLimits.table(limitsJson));
  }

  void configure(TestDataPath.Config config) {
    controlPlane.serve(config);
    controlPlane.awaitAcked(config);
    await("config " + config.version() + " applied").atMost(Duration.ofSeconds(20))
        .until(() -> snapshots.current().config().equals(config.version()));
  }

  SimulatedEnvoy envoy() {
    return new SimulatedEnvoy(server.getPort());
  }

  double counter(String name, String... tags) {
    var counter = meters.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  @Override
  public void close() throws Exception {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    ads.close();
    controlPlane.close();
    snapshots.close();
    tracing.close();
  }
}
