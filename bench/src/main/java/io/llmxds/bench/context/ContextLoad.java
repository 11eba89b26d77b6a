package io.llmxds.bench.context;

import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc.ExternalProcessorStub;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.llmxds.bench.OpenLoop;
import io.llmxds.common.Telemetry;
import io.llmxds.filters.config.XdsServerAddress;
import io.llmxds.filters.extproc.ContextProcessor;
import io.llmxds.filters.server.ContextServer;
import io.llmxds.filters.store.InMemoryContextStore;
import io.llmxds.filters.testing.LocalRedis;
import io.llmxds.filters.testing.TestAdsServer;
import io.llmxds.filters.testing.TestDataPath;
import io.llmxds.filters.testing.TestPolicies;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Load generator for the context service's overhead (docs/benchmarks.md, "Context service"): plays Envoy's side of
 * one chat request per ext_proc stream over loopback gRPC, open loop at fixed rates, against a no-op ext_proc service
 * (the floor) and the context service (ContextServer, as {@code llm-xds-filters serve} runs it) with the memory
 * store (the built-in default) and with Redis (a second service, configured over ADS by a test control plane whose
 * one route sends every model to a Redis store).
 *
 * <p>Arguments: {@code [--rates 500,1000,2000] [--seconds 10] [--warmup 5] [--slices 5] [--sessions 1000]}.
 */
public final class ContextLoad {
  private static final long GRACE_SECONDS = 10;
  private static final int WARMUP_RATE = 1000;

  /** One ext_proc service under test and the stub that reaches it. */
  private record Variant(String name, ExternalProcessorStub stub) {}

  private ContextLoad() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    int[] rates = Arrays.stream(options.getOrDefault("rates", "500,1000,2000").split(","))
        .mapToInt(Integer::parseInt).toArray();
    int seconds = Integer.parseInt(options.getOrDefault("seconds", "10"));
    int warmup = Integer.parseInt(options.getOrDefault("warmup", "5"));
    int slices = Integer.parseInt(options.getOrDefault("slices", "5"));
    ChatTraffic traffic = new ChatTraffic(Integer.parseInt(options.getOrDefault("sessions", "1000")));

    Optional<LocalRedis> redis = LocalRedis.installed() ? Optional.of(LocalRedis.start()) : Optional.empty();
    if (redis.isEmpty()) {
      System.out.println("(c) context+redis skipped: redis-server is not on the PATH (bin/ensure-redis installs it)");
    }
    Server noop = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .addService(new NoopProcessor())
        .build()
        .start();
    Telemetry telemetry = Telemetry.autoconfigured("llm-xds-bench-context");
    Telemetry redisTelemetry = Telemetry.autoconfigured("llm-xds-bench-context-redis");
    ContextServer context = ContextServer.start(settings(Optional.empty()), telemetry);
    Optional<TestAdsServer> controlPlane = redis.isPresent() ? Optional.of(TestAdsServer.start()) : Optional.empty();
    Optional<ContextServer> onRedis = Optional.empty();
    List<ManagedChannel> channels = new ArrayList<>();
    try {
      if (redis.isPresent()) {
        onRedis = Optional.of(startOnRedis(controlPlane.get(), redis.get(), redisTelemetry));
      }
      List<Variant> variants = new ArrayList<>();
      variants.add(new Variant("no-op (floor)", stub(channel(noop.getPort(), channels))));
      variants.add(new Variant("context+memory", stub(channel(context.port(), channels))));
      if (onRedis.isPresent()) {
        variants.add(new Variant("context+redis", stub(channel(onRedis.get().port(), channels))));
      }
      System.out.printf("warm-up: %d s at %d/s per variant; then per rate %d s per variant, in %d alternating "
          + "slices%n", warmup, WARMUP_RATE, seconds, slices);
      for (Variant variant : variants) {
        StepRecorder recorder = new StepRecorder(WARMUP_RATE * warmup);
        runSlice(variant, traffic, WARMUP_RATE, WARMUP_RATE * warmup, recorder);
      }
      List<StepResult> results = new ArrayList<>();
      for (int rate : rates) {
        int perSlice = rate * seconds / slices;
        List<StepRecorder> recorders = new ArrayList<>();
        variants.forEach(v -> recorders.add(new StepRecorder(perSlice * slices)));
        for (int slice = 0; slice < slices; slice++) {
          for (int v = 0; v < variants.size(); v++) {
            runSlice(variants.get(v), traffic, rate, perSlice, recorders.get(v));
          }
        }
        for (int v = 0; v < variants.size(); v++) {
          results.add(recorders.get(v).result(variants.get(v).name(), rate));
        }
        System.out.printf("  done: %d/s%n", rate);
      }
      System.out.println();
      System.out.print(ResultTable.render(results));
      ResultTable.recordFigures(results);
    } finally {
      for (ManagedChannel channel : channels) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      context.close();
      onRedis.ifPresent(ContextServer::close);
      controlPlane.ifPresent(TestAdsServer::close);
      telemetry.close();
      redisTelemetry.close();
      noop.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      redis.ifPresent(LocalRedis::close);
    }
  }

  /** Starts requests on a fixed schedule (open loop: a slow answer never delays the next start). */
  private static void runSlice(Variant variant, ChatTraffic traffic, int rate, int requests, StepRecorder recorder)
      throws InterruptedException {
    OpenLoop schedule = new OpenLoop(rate);
    for (int i = 0; i < requests; i++) {
      recorder.starting(schedule.awaitSlot(i));
      EnvoyStream.open(variant.stub(), traffic.nextRequest(), recorder);
    }
    recorder.endSlice(schedule.start(), GRACE_SECONDS);
  }

  private static ManagedChannel channel(int port, List<ManagedChannel> channels) {
    // One HTTP/2 connection per service, as Envoy's ext_proc cluster has; answers are handled on the event loop.
    ManagedChannel channel = NettyChannelBuilder
        .forAddress(InetAddress.getLoopbackAddress().getHostAddress(), port)
        .usePlaintext()
        .directExecutor()
        .build();
    channels.add(channel);
    return channel;
  }

  /** Envoy's edge stream carries no metadata: the service picks the policy by the body's model. */
  private static ExternalProcessorStub stub(ManagedChannel channel) {
    return ExternalProcessorGrpc.newStub(channel);
  }

  private static ContextServer.Settings settings(Optional<XdsServerAddress> xds) {
    String loopback = InetAddress.getLoopbackAddress().getHostAddress();
    return new ContextServer.Settings(loopback, 0, loopback, 0, xds, Optional.of("bench-context"),
        Duration.ofHours(24), ContextProcessor.DEFAULT_MAX_BODY_BYTES, InMemoryContextStore.DEFAULT_MAX_CHARS);
  }

  /** A context service whose one route sends every model to {@code redis}, under the example's policy. */
  private static ContextServer startOnRedis(TestAdsServer controlPlane, LocalRedis redis, Telemetry telemetry)
      throws Exception {
    TestDataPath.Config config = TestDataPath.Config.of("bench-redis",
        List.of(TestDataPath.redisStore("redis", redis.uri())),
        TestDataPath.routeMatching("chat", TestPolicies.examplePolicy().withStore("redis"), ".+"));
    controlPlane.serve(config);
    ContextServer server = ContextServer.start(
        settings(Optional.of(new XdsServerAddress("127.0.0.1", controlPlane.port()))), telemetry);
    controlPlane.awaitAcked(config);
    return server;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value, got " + args[i]);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException("expected --name value pairs: " + String.join(" ", args));
    }
    return options;
  }
}
