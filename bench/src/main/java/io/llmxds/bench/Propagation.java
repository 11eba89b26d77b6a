package io.llmxds.bench;

import static io.llmxds.bench.Harness.freePort;
import static io.llmxds.bench.Harness.ints;
import static io.llmxds.bench.Harness.percentile;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.llmxds.common.Telemetry;
import io.llmxds.cp.ControlPlane;
import io.llmxds.cp.admin.AdminToken;
import io.llmxds.cp.publish.XdsEventListener;
import io.llmxds.cp.reload.ReloadOutcome;
import io.llmxds.cp.source.PolicyDirectoryWatcher;
import io.llmxds.cp.translate.Flavor;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * Propagation benchmark: policy file saved → every connected simulated Envoy has ACKed the new RDS version. A real
 * {@link ControlPlane} watches a synthetic policy directory; N {@link SimulatedEnvoy} streams share a few loopback
 * channels (on the harness's own event loops, so that its CPU is measured apart from the server's), and a few real
 * grpc-java xDS clients ({@link GrpcJavaXdsClients}) are connected too; each change sets new weights on every route
 * by rewriting {@code routes.yaml}. Not JMH: it measures a
 * distributed latency, one sample per change. Results and how to read them: docs/benchmarks.md, "Propagation".
 *
 * <p>Arguments: {@code [routes=2000] [changes=20] [clients=10,100,1000] [debounceMs=200,20] [fresh|flip]}: with
 * {@code fresh} every change sets a weight not used before; with {@code flip} the weights alternate 90/10 ↔ 10/90,
 * so every change returns to the content of two changes ago (a revert).
 */
public final class Propagation {
  /**
   * Streams per loopback connection. Override with {@code -Dstreams.per.connection}: with 250 streams on one
   * connection, each receiving the whole 2,000-route RDS, the client side's HTTP/2 decoder spent most of the "wire"
   * time growing its cumulation buffer (JFR).
   */
  private static final int STREAMS_PER_CONNECTION = Integer.getInteger("streams.per.connection", 20);
  /** Real grpc-java xDS clients beside the simulated Envoys ({@code -Dgrpc.java.clients}, 0 for none). */
  private static final int GRPC_JAVA_CLIENTS = Integer.getInteger("grpc.java.clients", 3);
  /** The harness's threads: the simulated Envoys' event loops and the thread that saves files and waits. */
  private static final String HARNESS_THREADS = "sim-envoy-";
  /** Enough for the JIT to settle: with 3, a run of N = 1,000 alone measured compiles twice as long as after N = 10. */
  private static final int WARMUP_CHANGES = 10;
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final double TARGET_P99_MS = 250;
  private static final int TARGET_CLIENTS = 1000;

  /** One change: times in System.nanoTime; CPU in nanoseconds over the change. */
  private record Sample(long save, long reloadStart, long firstPush, long reloadEnd, long lastAck, long lastGrpcAck,
      ThreadCpu.Split cpu) {
    double total() {
      return ms(lastAck - save);
    }

    double grpcTotal() {
      return ms(lastGrpcAck - save);
    }
  }

  /** What one N measured, for the summary and the figures. */
  private record Result(int debounceMs, int n, double p50, double p99, double grpcP99, double kibPerStream,
      double serverCpuMs, double harnessCpuMs) {}

  /** Changes written so far in this directory; every write changes the file. */
  private static int written;
  private static boolean flip;

  private Propagation() {}

  public static void main(String[] args) throws Exception {
    int routes = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int changes = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int[] clients = ints(args.length > 2 ? args[2] : "10,100,1000");
    int[] debounces = ints(args.length > 3 ? args[3] : "200,20");
    flip = args.length > 4 && args[4].equals("flip");
    System.out.printf(Locale.ROOT, "routes=%d changes=%d (after %d warm-up, %s) grpc-java clients=%d cores=%d"
            + " heap=%dMiB%n", routes, changes, WARMUP_CHANGES, flip ? "flip" : "fresh", GRPC_JAVA_CLIENTS,
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
    // grpc-java reads its bootstrap once per JVM: every control plane of this run listens on this one port.
    int xdsPort = freePort();
    GrpcJavaXdsClients.bootstrap(xdsPort);
    EventLoopGroup harnessLoops = new NioEventLoopGroup(2 * Runtime.getRuntime().availableProcessors(),
        new DefaultThreadFactory(HARNESS_THREADS + "io", true));
    List<Result> results = new ArrayList<>();
    for (int debounceMs : debounces) {
      Path dir = SyntheticPolicies.write(Files.createTempDirectory("propagation"), routes);
      written = 0;
      ControlPlane.Settings settings = new ControlPlane.Settings(dir, "127.0.0.1", xdsPort, "127.0.0.1", 0,
          AdminToken.loadOrCreate(Files.createTempDirectory("propagation-admin").resolve("token")),
          Duration.ofMillis(debounceMs), PolicyDirectoryWatcher.DEFAULT_MAX_DELAY);
      try (ControlPlane cp = ControlPlane.start(settings, Telemetry.of(OpenTelemetry.noop()))) {
        ServerEvents server = new ServerEvents();
        cp.xds().addListener(server);
        List<String> grpcRoutes = IntStream.range(0, Math.min(GRPC_JAVA_CLIENTS, routes))
            .mapToObj(r -> "route-" + r).toList();
        try (GrpcJavaXdsClients grpc = GrpcJavaXdsClients.dial(cp.xds()::addListener, grpcRoutes)) {
          for (int n : clients) {
            results.add(run(cp, server, grpc, harnessLoops, dir, routes, n, changes, debounceMs));
          }
        }
      }
    }
    harnessLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    recordFigures(results);
    System.exit(0);
  }

  private static Result run(ControlPlane cp, ServerEvents server, GrpcJavaXdsClients grpc,
      EventLoopGroup harnessLoops, Path dir, int routes, int n, int changes, int debounceMs) throws Exception {
    int closedBefore = server.closedSimulated();
    List<ManagedChannel> channels = new ArrayList<>();
    int connections = (n + STREAMS_PER_CONNECTION - 1) / STREAMS_PER_CONNECTION;
    for (int c = 0; c < connections; c++) {
      // The harness's own event loops, answering on them (direct executor): its CPU is told apart from the server's.
      channels.add(NettyChannelBuilder.forAddress("127.0.0.1", cp.xdsPort()).usePlaintext()
          .eventLoopGroup(harnessLoops).channelType(NioSocketChannel.class).directExecutor()
          .maxInboundMessageSize(64 << 20).build());
    }
    List<SimulatedEnvoy> envoys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      envoys.add(SimulatedEnvoy.connect(SimulatedEnvoy.ID_PREFIX + i, channels.get(i % connections)));
    }
    String serving = rdsVersion(cp, Flavor.EDGE);
    await("all " + n + " clients ACK the first RDS", () -> allAcked(envoys, serving));
    String grpcServing = rdsVersion(cp, Flavor.PROXYLESS);
    await("the grpc-java clients ACK the first RDS", () -> grpc.allAcked(grpcServing));
    ThreadCpu cpu = new ThreadCpu(name -> name.startsWith(HARNESS_THREADS) || name.equals("main"));
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < WARMUP_CHANGES + changes; i++) {
      Sample sample = change(cp, server, grpc, cpu, dir, routes, envoys, i);
      if (i >= WARMUP_CHANGES) {
        samples.add(sample);
      }
    }
    // Memory per stream: the heap with the N streams open, then without them, both after the same last change (a
    // measure taken before the changes would differ by whatever the reloads keep, e.g. the previous snapshot).
    long heapWith = heapAfterGc();
    envoys.forEach(SimulatedEnvoy::close);
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    await("the server closes the " + n + " streams", () -> server.closedSimulated() == closedBefore + n);
    long heapWithout = heapAfterGc();
    return report(debounceMs, n, grpc.count(), samples, (heapWith - heapWithout) / (double) n);
  }

  /** Saves new weights, then waits for the reload and for every client's ACK of the new RDS version. */
  private static Sample change(ControlPlane cp, ServerEvents server, GrpcJavaXdsClients grpc, ThreadCpu cpu,
      Path dir, int routes, List<SimulatedEnvoy> envoys, int i) throws Exception {
    ReloadOutcome before = cp.reloader().lastOutcome().orElseThrow();
    server.reset();
    cpu.sample();
    Instant saveWall = Instant.now();
    long save = System.nanoTime();
    int primary = SyntheticPolicies.PRIMARY_WEIGHT;
    int n = ++written;
    SyntheticPolicies.writeRoutes(dir, routes, flip ? (n % 2 == 1 ? 100 - primary : primary) : primary - n % 80);
    await("reload after change " + i, () -> {
      ReloadOutcome now = cp.reloader().lastOutcome().orElseThrow();
      return now != before && now.status() == ReloadOutcome.Status.SUCCESS;
    });
    ReloadOutcome outcome = cp.reloader().lastOutcome().orElseThrow();
    String version = rdsVersion(cp, Flavor.EDGE);
    String grpcVersion = rdsVersion(cp, Flavor.PROXYLESS);
    await("every client ACKs RDS " + version, () -> allAcked(envoys, version) && grpc.allAcked(grpcVersion));
    ThreadCpu.Split used = cpu.sample();
    long lastAck = envoys.stream().mapToLong(e -> e.lastRdsAck().nanos()).max().orElseThrow();
    long reloadStart = save + Duration.between(saveWall, outcome.startedAt()).toNanos();
    return new Sample(save, reloadStart, server.nanos(), reloadStart + outcome.duration().toNanos(), lastAck,
        grpc.count() == 0 ? lastAck : grpc.lastAckNanos(), used);
  }

  private static Result report(int debounceMs, int n, int grpcClients, List<Sample> samples, double bytesPerStream) {
    double[] totals = samples.stream().mapToDouble(Sample::total).sorted().toArray();
    double[] grpcTotals = samples.stream().mapToDouble(Sample::grpcTotal).sorted().toArray();
    double debounce = mean(samples, s -> s.reloadStart - s.save);
    double compile = mean(samples, s -> s.firstPush - s.reloadStart);
    double publish = mean(samples, s -> s.reloadEnd - s.firstPush);
    double wire = mean(samples, s -> s.lastAck - s.reloadEnd);
    double sum = debounce + compile + publish + wire;
    double serverCpu = mean(samples, s -> s.cpu.server());
    double harnessCpu = mean(samples, s -> s.cpu.harness());
    double otherCpu = mean(samples, s -> s.cpu.process() - s.cpu.server() - s.cpu.harness());
    System.out.printf(Locale.ROOT,
        "debounce=%3dms N=%5d  save->last ACK p50=%7.1f ms p99=%7.1f ms max=%7.1f ms | mean: debounce %6.1f ms"
            + " (%2.0f%%) compile %6.1f ms (%2.0f%%) publish %6.1f ms (%2.0f%%) wire %6.1f ms (%2.0f%%)"
            + " | heap/stream %.1f KiB%n",
        debounceMs, n, percentile(totals, 50), percentile(totals, 99), totals[totals.length - 1],
        debounce, 100 * debounce / sum, compile, 100 * compile / sum, publish, 100 * publish / sum,
        wire, 100 * wire / sum, bytesPerStream / 1024);
    System.out.printf(Locale.ROOT,
        "                       grpc-java x%d save->last ACK p50=%7.1f ms p99=%7.1f ms | CPU per change: server"
            + " threads %6.1f ms, harness threads %6.1f ms, GC+JIT %6.1f ms%n",
        grpcClients, percentile(grpcTotals, 50), percentile(grpcTotals, 99), serverCpu, harnessCpu, otherCpu);
    return new Result(debounceMs, n, percentile(totals, 50), percentile(totals, 99), percentile(grpcTotals, 99),
        bytesPerStream / 1024, serverCpu, harnessCpu);
  }

  /** Each N against the smallest N of the same debounce (the same pipeline with next to no fan-out). */
  private static void recordFigures(List<Result> results) {
    for (Result r : results) {
      Result base = results.stream().filter(b -> b.debounceMs() == r.debounceMs())
          .min(java.util.Comparator.comparingInt(Result::n)).orElseThrow();
      String at = String.format(Locale.ROOT, "N=%,d, debounce %d ms", r.n(), r.debounceMs());
      boolean isBase = base == r;
      String baseName = isBase ? "" : String.format(Locale.ROOT, "same at N=%,d", base.n());
      Figures.record("propagation p99, " + at, r.p99(), "ms", baseName, isBase ? Figures.NONE : base.p99(),
          r.n() == TARGET_CLIENTS ? TARGET_P99_MS : Figures.NONE);
      Figures.record("  p50, " + at, r.p50(), "ms", baseName, isBase ? Figures.NONE : base.p50(), Figures.NONE);
      Figures.record("  grpc-java clients' p99, " + at, r.grpcP99(), "ms", "simulated Envoys' p99", r.p99(),
          Figures.NONE);
      Figures.record("  server CPU per change, " + at, r.serverCpuMs(), "ms", baseName,
          isBase ? Figures.NONE : base.serverCpuMs(), Figures.NONE);
      Figures.record("  harness CPU per change, " + at, r.harnessCpuMs(), "ms", "server CPU per change",
          r.serverCpuMs(), Figures.NONE);
      if (r.n() == TARGET_CLIENTS) {
        Figures.record("  heap per connected stream, " + at, r.kibPerStream(), "KiB", "", Figures.NONE,
            Figures.NONE);
      }
    }
  }
  /**
   * Records when the server pushed the first RDS response after {@link #reset()} (the fan-out has begun), and counts
   * the simulated Envoys' streams the server has closed.
   */
  private static final class ServerEvents implements XdsEventListener {
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicInteger closedSimulated = new AtomicInteger();

    void reset() {
      nanos.set(0);
    }

    long nanos() {
      return nanos.get();
    }

    int closedSimulated() {
      return closedSimulated.get();
    }

    @Override
    public void onStreamClose(long streamId, Node node) {
      if (node != null && node.getId().startsWith(SimulatedEnvoy.ID_PREFIX)) {
        closedSimulated.incrementAndGet();
      }
    }

    @Override
    public void onResponse(long streamId, Node node, DiscoveryResponse response) {
      if (response.getTypeUrl().equals(SimulatedEnvoy.RDS)) {
        nanos.compareAndSet(0, System.nanoTime());
      }
    }
  }

  private static String rdsVersion(ControlPlane cp, Flavor flavor) {
    return cp.xds().current(flavor).orElseThrow().typeVersions().get(SimulatedEnvoy.RDS);
  }

  private static boolean allAcked(List<SimulatedEnvoy> envoys, String version) {
    for (SimulatedEnvoy envoy : envoys) {
      if (envoy.failure() != null) {
        throw new IllegalStateException("client stream failed", envoy.failure());
      }
      if (!envoy.lastRdsAck().version().equals(version)) {
        return false;
      }
    }
    return true;
  }

  /** Polls every millisecond: the wait is part of what is measured, so it must be fine-grained. */
  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + what);
      }
      Thread.sleep(1);
    }
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  private static double mean(List<Sample> samples, java.util.function.ToLongFunction<Sample> part) {
    return ms((long) samples.stream().mapToLong(part).average().orElseThrow());
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
