package io.llmxds.bench.ratelimit;

import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.llmxds.bench.OpenLoop;
import io.llmxds.common.GlobalRateLimits;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the global rate-limit service adds to a request (docs/benchmarks.md "Issue 15"): this process plays Envoy's
 * ratelimit filter — one request-time {@code ShouldRateLimit} per request, open loop at a fixed rate, on one HTTP/2
 * connection per server — against {@link RateLimitServers}, started as a separate JVM: the floor (a no-op
 * RateLimitService) and the data-path service with one global limit counted in redis-server. Slices alternate
 * between the two. Reports latency percentiles, the added latency over the floor, and the CPU per check of the server
 * JVM and of redis-server (their CPU time over the slices divided by the checks answered).
 *
 * <p>Arguments: {@code [--rate 2000] [--seconds 20] [--warmup 10] [--slices 5] [--consumers 1000]}.
 */
public final class RateLimitLoad {

  private RateLimitLoad() {}

  /** One server under test. */
  private record Variant(String name, RateLimitServiceGrpc.RateLimitServiceStub stub) {}

  /** What one variant's slices recorded. */
  private static final class Recorder {
    final long[] latencies;
    final AtomicInteger done = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger overLimit = new AtomicInteger();
    long serverCpu;
    long redisCpu;
    long maxLag;

    Recorder(int requests) {
      latencies = new long[requests];
    }

    long[] sorted() {
      long[] sorted = Arrays.copyOf(latencies, done.get());
      Arrays.sort(sorted);
      return sorted;
    }
  }

  public static void main(String[] args) throws Exception {
    int rate = intOption(args, "rate", 2000);
    int seconds = intOption(args, "seconds", 20);
    int warmup = intOption(args, "warmup", 10);
    int slices = intOption(args, "slices", 5);
    int consumers = intOption(args, "consumers", 1000);
    List<RateLimitRequest> requests = new ArrayList<>();
    for (int i = 0; i < consumers; i++) {
      requests.add(request("consumer-" + i));
    }
    Process servers = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xms512m",
        "-Xmx512m", "-cp", System.getProperty("java.class.path"), RateLimitServers.class.getName())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<ManagedChannel> channels = new ArrayList<>();
    try {
      String[] ports = awaitPorts(servers);
      ProcessHandle serverJvm = servers.toHandle();
      ProcessHandle redis = ProcessHandle.of(Long.parseLong(ports[3])).orElseThrow();
      List<Variant> variants = List.of(
          new Variant("no-op RLS (floor)", stub(Integer.parseInt(ports[1]), channels)),
          new Variant("RLS + Redis", stub(Integer.parseInt(ports[2]), channels)));
      System.out.printf("server JVM pid %d (load from this JVM, pid %d); warm-up %d s per variant at %d/s; then %d s "
          + "per variant in %d alternating slices%n", serverJvm.pid(), ProcessHandle.current().pid(), warmup, rate,
          seconds, slices);
      for (Variant variant : variants) {
        runSlice(variant, requests, rate, rate * warmup, new Recorder(rate * warmup), serverJvm, redis);
      }
      int perSlice = rate * seconds / slices;
      List<Recorder> recorders = List.of(new Recorder(perSlice * slices), new Recorder(perSlice * slices));
      for (int slice = 0; slice < slices; slice++) {
        for (int v = 0; v < variants.size(); v++) {
          runSlice(variants.get(v), requests, rate, perSlice, recorders.get(v), serverJvm, redis);
        }
      }
      report(variants, recorders, rate);
    } finally {
      for (ManagedChannel channel : channels) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      servers.getOutputStream().close();
      if (!servers.waitFor(20, TimeUnit.SECONDS)) {
        servers.destroyForcibly();
      }
    }
  }

  /** One request-time call as the edge sends it: one descriptor of limit {@code bench}. */
  private static RateLimitRequest request(String consumer) {
    return RateLimitRequest.newBuilder().setDomain(GlobalRateLimits.DOMAIN)
        .addDescriptors(RateLimitDescriptor.newBuilder()
            .addEntries(entry(GlobalRateLimits.LIMIT_ENTRY, "bench"))
            .addEntries(entry(GlobalRateLimits.ROUTE_ENTRY, "chat"))
            .addEntries(entry(GlobalRateLimits.CONSUMER_ENTRY, consumer))
            .addEntries(entry(GlobalRateLimits.TIER_ENTRY, "default"))
            .addEntries(entry(GlobalRateLimits.CHARGE_ENTRY, GlobalRateLimits.CHARGE_REQUEST)))
        .build();
  }

  private static RateLimitDescriptor.Entry entry(String key, String value) {
    return RateLimitDescriptor.Entry.newBuilder().setKey(key).setValue(value).build();
  }

  private static void runSlice(Variant variant, List<RateLimitRequest> requests, int rate, int count,
      Recorder recorder, ProcessHandle serverJvm, ProcessHandle redis) throws InterruptedException {
    long serverBefore = cpu(serverJvm);
    long redisBefore = cpu(redis);
    int answeredBefore = recorder.done.get() + recorder.failed.get();
    AtomicInteger inFlight = new AtomicInteger();
    OpenLoop schedule = new OpenLoop(rate);
    for (int i = 0; i < count; i++) {
      recorder.maxLag = Math.max(recorder.maxLag, schedule.awaitSlot(i));
      inFlight.incrementAndGet();
      long began = System.nanoTime();
      variant.stub().withDeadlineAfter(5, TimeUnit.SECONDS).shouldRateLimit(requests.get(i % requests.size()),
          new StreamObserver<>() {
            @Override
            public void onNext(RateLimitResponse response) {
              if (response.getOverallCode() != RateLimitResponse.Code.OK) {
                recorder.overLimit.incrementAndGet();
              }
            }

            @Override
            public void onError(Throwable t) {
              recorder.failed.incrementAndGet();
              inFlight.decrementAndGet();
            }

            @Override
            public void onCompleted() {
              long latency = System.nanoTime() - began;
              synchronized (recorder) {
                recorder.latencies[recorder.done.getAndIncrement()] = latency;
              }
              inFlight.decrementAndGet();
            }
          });
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(1); // between slices, off the measured path
    }
    int answered = recorder.done.get() + recorder.failed.get() - answeredBefore;
    if (answered > 0) {
      recorder.serverCpu += cpu(serverJvm) - serverBefore;
      recorder.redisCpu += cpu(redis) - redisBefore;
    }
  }

  private static long cpu(ProcessHandle process) {
    return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  private static void report(List<Variant> variants, List<Recorder> recorders, int rate) {
    System.out.println();
    System.out.println("| RLS | rate/s | checks | p50 ms | p99 ms | max ms | +p50 ms | +p99 ms | server CPU µs/check "
        + "| redis CPU µs/check | failed | over limit | lag max ms |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    long[] floor = recorders.get(0).sorted();
    for (int v = 0; v < variants.size(); v++) {
      Recorder r = recorders.get(v);
      long[] sorted = r.sorted();
      int checks = sorted.length;
      System.out.printf("| %s | %,d | %,d | %.3f | %.3f | %.1f | %s | %s | %.1f | %.1f | %d | %d | %.2f |%n",
          variants.get(v).name(), rate, checks, ms(percentile(sorted, 0.50)), ms(percentile(sorted, 0.99)),
          ms(sorted.length == 0 ? 0 : sorted[sorted.length - 1]),
          v == 0 ? "—" : String.format("%.3f", ms(percentile(sorted, 0.50) - percentile(floor, 0.50))),
          v == 0 ? "—" : String.format("%.3f", ms(percentile(sorted, 0.99) - percentile(floor, 0.99))),
          r.serverCpu / 1e3 / Math.max(1, checks), r.redisCpu / 1e3 / Math.max(1, checks), r.failed.get(),
          r.overLimit.get(), ms(r.maxLag));
    }
  }

  private static long percentile(long[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static RateLimitServiceGrpc.RateLimitServiceStub stub(int port, List<ManagedChannel> channels) {
    // One HTTP/2 connection per server, as Envoy's ratelimit cluster has; answers handled on the event loop.
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().directExecutor()
        .build();
    channels.add(channel);
    return RateLimitServiceGrpc.newStub(channel);
  }

  private static String[] awaitPorts(Process servers) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(servers.getInputStream(), StandardCharsets.UTF_8));
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.startsWith("PORTS ")) {
        return line.split(" ");
      }
    }
    throw new IllegalStateException("the server process ended before it printed its ports");
  }

  private static int intOption(String[] args, String name, int absent) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("--" + name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return absent;
  }
}
