package io.llmxds.filters.testing;

import static org.awaitility.Awaitility.await;

import io.lettuce.core.cluster.SlotHash;
import io.llmxds.filters.store.StoreSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real Redis Cluster of three masters (no replicas) of Debian's {@code redis-server}, on free loopback ports, without
 * persistence: {@link #stop(int)} kills one master (SIGKILL, a crash) and {@link #start(int)} brings it back on the
 * same ports with the same nodes.conf, so it rejoins owning its slots (empty). The nodes run with
 * {@code cluster-require-full-coverage no}: with the default, one master down stops the whole cluster
 * (CLUSTERDOWN on every key), which is what operators get unless they change it.
 */
public final class LocalRedisCluster implements AutoCloseable {

  public static final int MASTERS = 3;

  private static final Duration FORMED = Duration.ofSeconds(30);

  private final List<LocalRedis> nodes;
  private final List<String> cliAuth;
  private final List<int[]> slotRanges = new ArrayList<>();
  private final Map<Integer, Integer> movedSlots = new ConcurrentHashMap<>();

  private LocalRedisCluster(List<LocalRedis> nodes, List<String> cliAuth) {
    this.nodes = nodes;
    this.cliAuth = cliAuth;
  }

  /** Three plain masters, formed (every node says {@code cluster_state:ok}). */
  public static LocalRedisCluster start() throws IOException {
    return start(false, List.of(), List.of());
  }

  /**
   * @param tls TLS only (client port and cluster bus; the test certificate, SNI {@link LocalRedis#TLS_SERVER_NAME})
   * @param serverArgs more options for every node (e.g. {@code --user …})
   * @param cliAuth what {@code redis-cli} needs to authenticate to the nodes (e.g. {@code --user u --pass p})
   */
  public static LocalRedisCluster start(boolean tls, List<String> serverArgs, List<String> cliAuth)
      throws IOException {
    List<String> args = new ArrayList<>(List.of(
        // A second: a killed master is marked failed soon, and cleared soon after it is back.
        "--cluster-node-timeout", "2000", "--cluster-require-full-coverage", "no"));
    args.addAll(serverArgs);
    List<LocalRedis> nodes = new ArrayList<>();
    LocalRedisCluster cluster = new LocalRedisCluster(nodes, cliAuth);
    try {
      for (int i = 0; i < MASTERS; i++) {
        nodes.add(LocalRedis.start(new LocalRedis.Layout(!tls, tls, true), args));
      }
      cluster.create();
      return cluster;
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private void create() throws IOException {
    List<String> create = new ArrayList<>(List.of("--cluster", "create"));
    for (LocalRedis node : nodes) {
      create.add("127.0.0.1:" + node.clientPort());
    }
    create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    cli(0, create.toArray(String[]::new));
    for (int i = 0; i < nodes.size(); i++) {
      awaitFormed(i);
    }
    for (int i = 0; i < nodes.size(); i++) {
      slotRanges.add(ownSlots(i));
    }
  }

  // Slots assigned and every node known: then a client's first CLUSTER NODES sees the whole cluster.
  private void awaitFormed(int node) {
    await("node " + node + " in a formed cluster")
        .atMost(FORMED)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> {
          String info = cli(node, "cluster", "info");
          return info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + MASTERS)
              && info.contains("cluster_slots_ok:16384");
        });
  }

  // "id 127.0.0.1:port@bus myself,master - 0 0 1 connected 0-5460": the slot range redis-cli gave this node.
  private int[] ownSlots(int node) throws IOException {
    for (String line : cli(node, "cluster", "nodes").split("\n")) {
      if (line.contains("myself")) {
        String[] fields = line.trim().split(" ");
        String[] range = fields[fields.length - 1].split("-");
        return new int[] {Integer.parseInt(range[0]), Integer.parseInt(range[1])};
      }
    }
    throw new IllegalStateException("node " + node + " does not list itself");
  }

  /** The addresses a client seeds its topology from: every master's client port. */
  public List<StoreSpec.Address> seeds() {
    return nodes.stream().map(n -> new StoreSpec.Address("127.0.0.1", n.clientPort())).toList();
  }

  /** Which master (0…2) holds {@code key}'s slot. */
  public int masterOf(String key) {
    int slot = SlotHash.getSlot(key);
    if (movedSlots.containsKey(slot)) {
      return movedSlots.get(slot);
    }
    for (int i = 0; i < slotRanges.size(); i++) {
      if (slot >= slotRanges.get(i)[0] && slot <= slotRanges.get(i)[1]) {
        return i;
      }
    }
    throw new IllegalStateException("slot " + slot + " has no master");
  }

  /**
   * Moves {@code key}'s slot, with its keys, to master {@code to}, the way resharding does (IMPORTING/MIGRATING,
   * MIGRATE, SETSLOT NODE on every master): clients that still send the slot's commands to the old master get MOVED.
   */
  public void moveSlot(String key, int to) throws IOException {
    int from = masterOf(key);
    String slot = Integer.toString(SlotHash.getSlot(key));
    String fromId = cli(from, "cluster", "myid").trim();
    String toId = cli(to, "cluster", "myid").trim();
    cli(to, "cluster", "setslot", slot, "importing", fromId);
    cli(from, "cluster", "setslot", slot, "migrating", toId);
    for (String moving : cli(from, "cluster", "getkeysinslot", slot, "1000").lines().toList()) {
      expectOk(cli(from, "migrate", "127.0.0.1", Integer.toString(nodes.get(to).clientPort()), moving, "0", "5000"));
    }
    for (int node = 0; node < nodes.size(); node++) {
      expectOk(cli(node, "cluster", "setslot", slot, "node", toId));
    }
    movedSlots.put(SlotHash.getSlot(key), to);
  }

  private static void expectOk(String reply) {
    if (!reply.trim().equals("OK")) {
      throw new IllegalStateException("redis-cli answered " + reply);
    }
  }

  /** How many keys master {@code node} holds. */
  public long keys(int node) throws IOException {
    return Long.parseLong(cli(node, "dbsize").trim());
  }

  /** Kills master {@code node} (SIGKILL). */
  public void stop(int node) throws InterruptedException {
    nodes.get(node).kill();
  }

  /** Starts master {@code node} again on its ports and waits until it says {@code cluster_state:ok}. */
  public void start(int node) throws IOException {
    nodes.get(node).startAgain();
    awaitFormed(node);
  }

  /** Whether master {@code node}'s process runs. */
  public boolean isUp(int node) {
    return nodes.get(node).isRunning();
  }

  /** Whether the first other master's view flags master {@code node} {@code fail} (not just {@code fail?}). */
  public boolean markedFailed(int node) throws IOException {
    String address = "127.0.0.1:" + nodes.get(node).clientPort() + "@";
    for (String line : cli(node == 0 ? 1 : 0, "cluster", "nodes").split("\n")) {
      String[] fields = line.trim().split(" ");
      if (fields.length > 2 && fields[1].startsWith(address)) {
        return List.of(fields[2].split(",")).contains("fail");
      }
    }
    return false;
  }

  /** Runs {@code redis-cli} against master {@code node}; its output. */
  public String cli(int node, String... args) throws IOException {
    List<String> all = new ArrayList<>(cliAuth);
    all.addAll(List.of(args));
    return nodes.get(node).cli(all.toArray(String[]::new));
  }

  /** Stops every node and deletes its directory. */
  @Override
  public void close() {
    nodes.forEach(LocalRedis::close);
  }
}
