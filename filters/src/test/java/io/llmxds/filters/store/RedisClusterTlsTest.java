package io.llmxds.filters.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmxds.filters.testing.LocalRedis;
import io.llmxds.filters.testing.LocalRedisCluster;
import io.llmxds.filters.testing.StoreSpecs;
import io.llmxds.filters.testing.TestStores;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A {@code redis-cluster} store with every option at once: TLS only (client port and cluster bus), an ACL user with
 * a password, the default user off. The node URIs lettuce learns from CLUSTER NODES inherit TLS and credentials from
 * the seeds, so every master is reached the same way.
 */
class RedisClusterTlsTest {

  private static final Duration HOUR = Duration.ofHours(1);
  /** What a store's user needs on a cluster: its commands, and CLUSTER NODES for lettuce's topology (INFO is optional). */
  private static final List<String> STORE_USER = List.of("--user", "ctx", "on", ">ctx-pa55", "~llmxds:*",
      "+@connection", "+lrange", "+eval", "+rpush", "+ltrim", "+pexpire", "+exists", "+cluster|nodes");

  private static LocalRedisCluster cluster;

  @BeforeAll
  static void startCluster() throws IOException {
    List<String> users = new ArrayList<>(List.of("--user", "default", "off",
        "--user", "admin", "on", ">admin-pa55", "~*", "&*", "+@all"));
    users.addAll(STORE_USER);
    users.addAll(List.of("--user", "nocluster", "on", ">nc-pa55", "~llmxds:*", "+@all", "-cluster"));
    cluster = LocalRedisCluster.start(true, users, List.of("--user", "admin", "--pass", "admin-pa55"));
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  private static StoreSpecs spec() {
    return StoreSpecs.cluster(cluster.seeds()).name("tls-cluster").testTls().user("ctx", "ctx-pa55");
  }

  @Test
  void everyMasterIsReachedOverTlsAsTheAclUser() throws Exception {
    try (ContextStore store = TestStores.FACTORY.open(spec().build())) {
      List<String> keys = IntStream.range(0, 30).mapToObj(i -> "llmxds:ctx:test:tls-" + UUID.randomUUID()).toList();
      for (String key : keys) {
        store.append(key, List.of("a", "b"), 10, HOUR);
      }
      for (String key : keys) {
        assertThat(store.tail(key, 10)).containsExactly("a", "b");
      }
      Set<Integer> masters = keys.stream().map(cluster::masterOf).collect(Collectors.toSet());
      assertThat(masters).hasSize(LocalRedisCluster.MASTERS);
    }
  }

  @Test
  void aUserWithoutClusterNodesCannotOpenTheStore() {
    StoreSpec spec = spec().user("nocluster", "nc-pa55").build();
    assertThatThrownBy(() -> TestStores.FACTORY.open(spec).close()).hasMessage(
        spec.label() + ": permission denied (NOPERM): this user has no permissions to run the 'cluster|nodes' command");
  }

  @Test
  void aWrongPasswordOrCaFailsAtOpen() {
    StoreSpec wrongPassword = spec().user("ctx", "wrong").build();
    assertThatThrownBy(() -> TestStores.FACTORY.open(wrongPassword).close())
        .hasMessage(wrongPassword.label() + ": authentication failed (WRONGPASS)");
    StoreSpec otherCa = spec().tls(LocalRedis.TLS_SERVER_NAME, Optional.of(LocalRedis.otherCaPem())).build();
    assertThatThrownBy(() -> TestStores.FACTORY.open(otherCa).close())
        .hasMessage(otherCa.label() + ": TLS handshake failed: the server's certificate is not signed by a CA of the "
            + "store's CA bundle (unable to find valid certification path to requested target)");
  }
}
