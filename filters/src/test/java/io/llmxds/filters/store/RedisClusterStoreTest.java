package io.llmxds.filters.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.llmxds.filters.testing.ConcurrentSessions;
import io.llmxds.filters.testing.LocalRedisCluster;
import io.llmxds.filters.testing.StoreSpecs;
import io.llmxds.filters.testing.TestStores;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code redis-cluster} store on a real cluster of three masters: keys spread over them, every script on its key's
 * master, and one master killed and brought back. (The contract tests run on the shared cluster too, via EachStore.)
 */
class RedisClusterStoreTest {

  private static final Duration HOUR = Duration.ofHours(1);
  private static final int KEEP_ALL = 1_000_000;
  /** Long, so that a failure well before it shows a rejection, not a timeout, even on a noisy machine. */
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(3);

  private static LocalRedisCluster cluster;

  @BeforeAll
  static void startCluster() throws IOException {
    cluster = LocalRedisCluster.start();
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  private static StoreSpec spec(String name) {
    return StoreSpecs.cluster(cluster.seeds()).name(name).commandTimeout(COMMAND_TIMEOUT).build();
  }

  @Test
  void conversationsOverManyKeysLandOnEveryMasterEachOnItsSlotsMasterWithoutRedirects() throws Exception {
    for (int master = 0; master < LocalRedisCluster.MASTERS; master++) {
      cluster.cli(master, "config", "resetstat");
    }
    try (ContextStore store = TestStores.FACTORY.open(StoreSpecs.cluster(cluster.seeds()).poolSize(2).build())) {
      List<String> keys = ConcurrentSessions.writeAndCheck(store, 300, 3, 8);

      Map<Integer, Set<String>> expected = keys.stream()
          .collect(Collectors.groupingBy(cluster::masterOf, Collectors.toSet()));
      String prefix = keys.get(0).substring(0, keys.get(0).lastIndexOf('-') + 1);
      for (int master = 0; master < LocalRedisCluster.MASTERS; master++) {
        Set<String> held = new HashSet<>(cluster.cli(master, "--scan", "--pattern", prefix + "*")
            .lines().toList());
        assertThat(held).as("master %d holds keys", master).isNotEmpty().isEqualTo(expected.get(master));
        // A command sent to the wrong master is answered MOVED and counted as rejected: none was.
        assertThat(cluster.cli(master, "info", "commandstats").lines()
            .filter(line -> line.startsWith("cmdstat_eval:") || line.startsWith("cmdstat_lrange:")))
            .hasSize(2)
            .allSatisfy(line -> assertThat(line).contains("rejected_calls=0"));
      }
    }
  }

  @Test
  void withAMasterKilledItsKeysFailAtOnceTheOthersWorkANewStoreFailsAndAllWorkAgainOnceItIsBack() throws Exception {
    int victim = 1;
    try (ContextStore store = TestStores.FACTORY.open(spec("failover"))) {
      List<String> keys = IntStream.range(0, 60).mapToObj(i -> "llmxds:ctx:test:kill-" + UUID.randomUUID()).toList();
      for (String key : keys) {
        store.append(key, List.of("before"), 10, HOUR);
      }
      List<String> lost = keys.stream().filter(k -> cluster.masterOf(k) == victim).toList();
      List<String> kept = keys.stream().filter(k -> cluster.masterOf(k) != victim).toList();
      assertThat(lost).isNotEmpty();

      cluster.stop(victim);
      long killed = System.nanoTime();
      Set<String> failures = new HashSet<>();
      long slowest = 0;
      // Rounds until the other masters have marked the victim failed (its slots stay its own: no replica).
      boolean markedFailed = false;
      while (!markedFailed) {
        markedFailed = cluster.markedFailed(victim);
        for (String key : kept) {
          store.append(key, List.of("during"), KEEP_ALL, HOUR);
          assertThat(store.tail(key, 1)).containsExactly("during");
        }
        for (String key : lost) {
          long started = System.nanoTime();
          assertThatThrownBy(() -> store.append(key, List.of("during"), KEEP_ALL, HOUR)).isInstanceOf(StoreException.class)
              .satisfies(e -> failures.add(e.getMessage()));
          slowest = Math.max(slowest, System.nanoTime() - started);
        }
      }
      System.out.printf("killed master: marked failed after %d ms; slowest failure %d ms; messages %s%n",
          Duration.ofNanos(System.nanoTime() - killed).toMillis(), Duration.ofNanos(slowest).toMillis(), failures);
      assertThat(Duration.ofNanos(slowest)).as("rejected, not timed out").isLessThan(Duration.ofSeconds(1));
      assertThat(failures).containsExactly(spec("failover").label() + ": write failed: not connected (reconnecting)");
      // A store opened now would not work for the victim's keys: it fails, naming the master.
      assertThatThrownBy(() -> TestStores.FACTORY.open(spec("partial")).close())
          .hasMessage(spec("partial").label() + ": master " + cluster.seeds().get(victim) + ": connection refused");

      long restarting = System.nanoTime();
      cluster.start(victim);
      long restarted = System.nanoTime();
      System.out.printf("restarted master: cluster_state:ok after %d ms%n",
          Duration.ofNanos(restarted - restarting).toMillis());
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
        for (String key : keys) {
          store.append(key, List.of("after"), KEEP_ALL, HOUR);
        }
        return true;
      });
      System.out.printf("restarted master: all keys work after %d ms%n",
          Duration.ofNanos(System.nanoTime() - restarted).toMillis());
      for (String key : lost) {
        assertThat(store.tail(key, 10)).as("no persistence: the restarted master starts empty").containsExactly("after");
      }
      for (String key : kept) {
        assertThat(store.tail(key, KEEP_ALL)).startsWith("before").endsWith("after");
      }
    } finally {
      if (!cluster.isUp(victim)) {
        cluster.start(victim);
      }
    }
  }

  @Test
  void aMovedSlotIsFollowedAndTheTopologyRefreshedSoItsCommandsGoStraightToTheNewMaster() throws Exception {
    try (ContextStore store = TestStores.FACTORY.open(spec("resharded"))) {
      String key = "llmxds:ctx:test:moved-" + UUID.randomUUID();
      store.append(key, List.of("a"), 10, HOUR);
      int from = cluster.masterOf(key);
      int to = (from + 1) % LocalRedisCluster.MASTERS;

      cluster.moveSlot(key, to);

      // The first read still goes to the old master, which answers MOVED: lettuce follows it and refreshes.
      long redirected = rejectedReads(from);
      assertThat(store.tail(key, 10)).containsExactly("a");
      assertThat(rejectedReads(from)).isEqualTo(redirected + 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        long before = rejectedReads(from);
        store.tail(key, 10);
        return rejectedReads(from) == before;
      });
      store.append(key, List.of("b"), 10, HOUR);
      assertThat(cluster.cli(to, "lrange", key, "0", "-1").lines()).containsExactly("a", "b");
    }
  }

  // LRANGEs master `node` answered MOVED (Redis counts a redirect as a rejected call).
  private static long rejectedReads(int node) throws IOException {
    return cluster.cli(node, "info", "commandstats").lines().filter(line -> line.startsWith("cmdstat_lrange:"))
        .map(line -> line.replaceAll(".*rejected_calls=(\\d+).*", "$1")).mapToLong(Long::parseLong).sum();
  }

  @Test
  void aSeedThatIsDownIsPassedOver() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    List<StoreSpec.Address> seeds = List.of(new StoreSpec.Address("127.0.0.1", closed), cluster.seeds().get(0));
    try (ContextStore store = TestStores.FACTORY.open(StoreSpecs.cluster(seeds).build())) {
      String key = "llmxds:ctx:test:" + UUID.randomUUID();
      store.append(key, List.of("a"), 10, HOUR);
      assertThat(store.tail(key, 10)).containsExactly("a");
    }
  }
}
