package io.llmxds.bench;

import static io.llmxds.bench.Harness.percentile;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A fleet of {@link SimulatedEnvoy}s in a process of its own, driven by {@link ScaleBench} over stdin/stdout, so
 * that the server's process does no client work (a real fleet runs on other machines). Times cross the process
 * boundary as epoch microseconds: both processes read the same clock.
 *
 * <p>Arguments: {@code HOST PORT N}. It prints {@code connecting <micros>}, then {@code synced <micros> <bytes>}
 * once every client ACKed an RDS version. Commands, one per line:
 * <ul>
 *   <li>{@code await VERSION T0} → {@code acked <count> <p50> <p99> <max> <bytes>}: waits (at most
 *       {@link #ROUND_TIMEOUT}) until every client ACKed RDS {@code VERSION}; latencies are microseconds after
 *       {@code T0} over the clients that did, bytes are what all clients received since the previous answer;
 *   <li>{@code check V1 V2 …} → {@code never-older ok} or {@code never-older violated <clients>}: the versions in the
 *       order they were published; no client may ACK one after a later one;
 *   <li>{@code quit}.
 * </ul>
 */
public final class Fleet {
  private static final int STREAMS_PER_CONNECTION = 20;
  private static final Duration SYNC_TIMEOUT = Duration.ofMinutes(10);
  static final Duration ROUND_TIMEOUT = Duration.ofSeconds(120);

  private Fleet() {}

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int n = Integer.parseInt(args[2]);
    EventLoopGroup loops = new NioEventLoopGroup(2 * Runtime.getRuntime().availableProcessors(),
        new DefaultThreadFactory("fleet-io", true));
    List<ManagedChannel> channels = new ArrayList<>();
    int connections = (n + STREAMS_PER_CONNECTION - 1) / STREAMS_PER_CONNECTION;
    for (int c = 0; c < connections; c++) {
      channels.add(NettyChannelBuilder.forAddress(host, port).usePlaintext().eventLoopGroup(loops)
          .channelType(NioSocketChannel.class).directExecutor().maxInboundMessageSize(256 << 20).build());
    }
    System.out.println("connecting " + nowMicros());
    List<SimulatedEnvoy> envoys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      envoys.add(SimulatedEnvoy.connect(SimulatedEnvoy.ID_PREFIX + i, channels.get(i % connections)));
    }
    if (!waitFor(() -> envoys.stream().allMatch(e -> !e.lastRdsAck().version().isEmpty()), envoys, SYNC_TIMEOUT)) {
      System.out.println("failed initial sync: " + envoys.stream().filter(e -> e.lastRdsAck().version().isEmpty())
          .count() + " clients without RDS after " + SYNC_TIMEOUT);
      System.exit(1);
    }
    long bytesSeen = bytes(envoys);
    long lastFirstAck = envoys.stream().mapToLong(e -> e.rdsAcks().get(0).epochMicros()).max().orElseThrow();
    System.out.println("synced " + lastFirstAck + " " + bytesSeen);
    BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = commands.readLine(); line != null; line = commands.readLine()) {
      String[] words = line.trim().split("\\s+");
      switch (words[0]) {
        case "await" -> {
          String version = words[1];
          long t0 = Long.parseLong(words[2]);
          waitFor(() -> envoys.stream().allMatch(e -> e.lastRdsAck().version().equals(version)), envoys,
              ROUND_TIMEOUT);
          long[] latencies = envoys.stream().map(e -> ackOf(e, version)).flatMap(Optional::stream)
              .mapToLong(ack -> ack.epochMicros() - t0).sorted().toArray();
          long total = bytes(envoys);
          System.out.printf(Locale.ROOT, "acked %d %d %d %d %d%n", latencies.length, percentile(latencies, 50),
              percentile(latencies, 99), latencies.length == 0 ? -1 : latencies[latencies.length - 1],
              total - bytesSeen);
          bytesSeen = total;
        }
        case "check" -> {
          List<String> order = Arrays.asList(words).subList(1, words.length);
          long violated = envoys.stream().filter(e -> !inOrder(e.rdsAcks(), order)).count();
          System.out.println(violated == 0 ? "never-older ok" : "never-older violated " + violated);
        }
        case "quit" -> {
          envoys.forEach(SimulatedEnvoy::close);
          channels.forEach(ManagedChannel::shutdownNow);
          System.exit(0);
        }
        default -> System.out.println("unknown command " + words[0]);
      }
    }
    System.exit(0);
  }

  /** The client's ACK of {@code version}, if it ACKed it. */
  private static Optional<SimulatedEnvoy.Ack> ackOf(SimulatedEnvoy envoy, String version) {
    List<SimulatedEnvoy.Ack> acks = envoy.rdsAcks();
    for (int i = acks.size() - 1; i >= 0; i--) {
      if (acks.get(i).version().equals(version)) {
        return Optional.of(acks.get(i));
      }
    }
    return Optional.empty();
  }

  /**
   * Whether the versions a client ACKed never go back in {@code order}; a version not in it (the first one, from
   * before the rounds) may only come first.
   */
  static boolean inOrder(List<SimulatedEnvoy.Ack> acks, List<String> order) {
    Map<String, Integer> rank = new HashMap<>();
    for (int i = 0; i < order.size(); i++) {
      rank.put(order.get(i), i);
    }
    int last = -1;
    for (int i = 0; i < acks.size(); i++) {
      Integer r = rank.get(acks.get(i).version());
      if (r == null) {
        if (i > 0) {
          return false;
        }
        continue;
      }
      if (r < last) {
        return false;
      }
      last = r;
    }
    return true;
  }

  private static boolean waitFor(BooleanSupplier done, List<SimulatedEnvoy> envoys,
      Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      for (SimulatedEnvoy envoy : envoys) {
        if (envoy.failure() != null) {
          throw new IllegalStateException("a client's stream failed", envoy.failure());
        }
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(1); // the wait is measured: fine-grained polling
    }
    return true;
  }

  private static long bytes(List<SimulatedEnvoy> envoys) {
    return envoys.stream().mapToLong(SimulatedEnvoy::bytesReceived).sum();
  }

  static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
  }
}
