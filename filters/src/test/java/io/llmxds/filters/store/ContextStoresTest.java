package io.llmxds.filters.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.llmxds.filters.testing.LocalRedis;
import io.llmxds.filters.testing.StoreSpecs;
import io.llmxds.filters.testing.TestStores;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** Every option of a standalone {@code redis} spec against real redis-servers, and the exact message of each failure. */
class ContextStoresTest {

  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration SECOND = Duration.ofSeconds(1);
  private static final ContextStores FACTORY = TestStores.FACTORY;

  private static String freshKey() {
    return "llmxds:ctx:test:" + UUID.randomUUID();
  }

  /** Opens, writes and reads one key: the store works. */
  private static void roundTrip(StoreSpec spec) throws StoreException {
    try (ContextStore store = FACTORY.open(spec)) {
      String key = freshKey();
      store.append(key, List.of("a", "b"), 10, HOUR);
      assertThat(store.tail(key, 10)).containsExactly("a", "b");
    }
  }

  private static AbstractThrowableAssert<?, ?> assertOpenFails(StoreSpec spec, String cause) {
    return assertThatThrownBy(() -> FACTORY.open(spec).close())
        .isInstanceOf(StoreException.class)
        .hasMessage(spec.label() + ": " + cause);
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void aMemorySpecOpensABoundedInMemoryStore() throws StoreException {
    try (ContextStore store = new ContextStores(1_000).open(StoreSpecs.memory().build())) {
      assertThat(store).isInstanceOf(InMemoryContextStore.class);
      store.append("big", List.of("x".repeat(2_000)), 10, HOUR);
      ((InMemoryContextStore) store).cleanUp();
      assertThat(store.tail("big", 10)).isEmpty();
    }
  }

  @Test
  void aRedisStoreWritesToItsDatabaseOnly() throws Exception {
    LocalRedis redis = TestStores.sharedRedis();
    String key = freshKey();
    try (ContextStore db3 = FACTORY.open(StoreSpecs.redis(redis.address()).database(3).build());
         ContextStore db0 = FACTORY.open(StoreSpecs.redis(redis.address()).build())) {
      db3.append(key, List.of("in 3"), 10, HOUR);

      assertThat(db3.tail(key, 10)).containsExactly("in 3");
      assertThat(db0.tail(key, 10)).isEmpty();
      assertThat(redis.cli("-n", "3", "lrange", key, "0", "-1").trim()).isEqualTo("in 3");
    }
  }

  @Test
  void aDatabaseTheServerDoesNotHaveFailsAtOpen() {
    assertOpenFails(StoreSpecs.redis(TestStores.sharedRedis().address()).database(99).build(),
        "database 99 does not exist (ERR DB index is out of range)");
  }

  @Test
  void aPasswordAloneAuthenticatesToRequirepass() throws Exception {
    try (LocalRedis redis = LocalRedis.start("--requirepass", "pa55-word")) {
      roundTrip(StoreSpecs.redis(redis.address()).password("pa55-word").build());
      assertOpenFails(StoreSpecs.redis(redis.address()).password("wrong").build(), "authentication failed (WRONGPASS)");
      assertOpenFails(StoreSpecs.redis(redis.address()).build(), "authentication required (NOAUTH)");
    }
  }

  @Test
  void anAclUserAuthenticatesAndMustBeAllowedTheStoresCommandsAndKeys() throws Exception {
    // What the store runs: LRANGE, EVAL, and inside the scripts RPUSH, LTRIM, PEXPIRE, EXISTS, on llmxds:* keys.
    List<String> commands = List.of("+@connection", "+lrange", "+eval", "+rpush", "+ltrim", "+pexpire", "+exists");
    List<String> args = new ArrayList<>(List.of("--user", "default", "off", "--user", "ctx", "on", ">ctx-pw", "~llmxds:*"));
    args.addAll(commands);
    args.addAll(List.of("--user", "reader", "on", ">reader-pw", "~llmxds:*", "+@connection", "+lrange"));
    args.addAll(List.of("--user", "elsewhere", "on", ">elsewhere-pw", "~other:*", "+@all"));
    try (LocalRedis redis = LocalRedis.start(args.toArray(String[]::new))) {
      roundTrip(StoreSpecs.redis(redis.address()).user("ctx", "ctx-pw").build());

      assertOpenFails(StoreSpecs.redis(redis.address()).user("ctx", "wrong").build(),
          "authentication failed (WRONGPASS)");
      assertOpenFails(StoreSpecs.redis(redis.address()).user("reader", "reader-pw").build(),
          "permission denied (NOPERM): this user has no permissions to run the 'eval' command");
      assertOpenFails(StoreSpecs.redis(redis.address()).user("elsewhere", "elsewhere-pw").build(),
          "permission denied (NOPERM): this user has no permissions to access one of the keys used as arguments");
    }
  }

  @Test
  void tlsVerifiesTheServerAgainstTheCaBundleAndTheSniName() throws Exception {
    try (LocalRedis redis = LocalRedis.startTls()) {
      roundTrip(StoreSpecs.redis(redis.tlsAddress()).testTls().build());

      assertOpenFails(
          StoreSpecs.redis(redis.tlsAddress()).tls(LocalRedis.TLS_SERVER_NAME, Optional.of(LocalRedis.otherCaPem()))
              .build(),
          "TLS handshake failed: the server's certificate is not signed by a CA of the store's CA bundle "
              + "(unable to find valid certification path to requested target)");
      assertOpenFails(StoreSpecs.redis(redis.tlsAddress()).tls(LocalRedis.TLS_SERVER_NAME, Optional.empty()).build(),
          "TLS handshake failed: the server's certificate is not signed by a CA of the JVM's trust store "
              + "(unable to find valid certification path to requested target)");
      // The certificate names redis.test only: the address 127.0.0.1 alone does not verify.
      assertOpenFails(StoreSpecs.redis(redis.tlsAddress()).tls("wrong.test", Optional.of(LocalRedis.testCaPem()))
              .build(),
          "TLS handshake failed: the server's certificate names neither wrong.test nor the address "
              + "(No subject alternative names matching IP address 127.0.0.1 found)");
    }
  }

  @Test
  void tlsToAPlainPortAndPlainToATlsPortSayWhatTheyAre() throws Exception {
    try (LocalRedis redis = LocalRedis.startTls()) {
      // A plain redis-server reads a ClientHello as an unfinished inline command: it never answers.
      assertOpenFails(StoreSpecs.redis(redis.address()).testTls().connectTimeout(SECOND).build(),
          "TLS handshake timed out after 1s (a plain port?)");
      assertOpenFails(StoreSpecs.redis(redis.tlsAddress()).build(),
          "the server closed the connection during the handshake (a TLS port?)");
    }
  }

  @Test
  void nothingListeningIsConnectionRefused() throws IOException {
    assertOpenFails(StoreSpecs.redis(new StoreSpec.Address("127.0.0.1", closedPort())).build(), "connection refused");
  }

  @Test
  void aServerThatNeverAnswersTimesOutAfterTheConnectTimeout() throws IOException {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      StoreSpec spec = StoreSpecs.redis(new StoreSpec.Address("127.0.0.1", silent.getLocalPort()))
          .connectTimeout(SECOND).build();
      long started = System.nanoTime();
      assertOpenFails(spec, "timed out after 1s");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5)); // a noisy machine
    }
  }

  @Test
  void aConnectNobodyAcceptsTimesOutAfterTheConnectTimeout() throws IOException {
    // A listener that never accepts, with its accept queue full: the kernel drops further SYNs, as a black hole does.
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<Socket> queued = new ArrayList<>();
      try {
        for (int i = 0; i < 10; i++) {
          Socket socket = new Socket();
          queued.add(socket);
          try {
            socket.connect(full.getLocalSocketAddress(), 200);
          } catch (SocketTimeoutException queueFull) {
            break;
          }
        }
        assertOpenFails(StoreSpecs.redis(new StoreSpec.Address("127.0.0.1", full.getLocalPort()))
            .connectTimeout(SECOND).build(), "timed out after 1s");
      } finally {
        for (Socket socket : queued) {
          socket.close();
        }
      }
    }
  }

  @Test
  void aCommandWithoutAnswerFailsAfterTheCommandTimeout() throws Exception {
    try (LocalRedis redis = LocalRedis.start();
         ContextStore store = FACTORY.open(StoreSpecs.redis(redis.address()).name("paused")
             .commandTimeout(Duration.ofMillis(300)).build())) {
      redis.cli("client", "pause", "3000", "ALL");

      long started = System.nanoTime();
      assertThatThrownBy(() -> store.tail(freshKey(), 10))
          .isInstanceOf(StoreException.class)
          .hasMessage("ContextStore/paused: " + redis.uri() + "/0: read failed: timed out after 300ms");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }
  }

  @Test
  void whileRedisIsDownCommandsAreRejectedAtOnceAndTheStoreRecoversWhenItIsBack() throws Exception {
    try (LocalRedis redis = LocalRedis.start();
         ContextStore store = FACTORY.open(StoreSpecs.redis(redis.address()).name("outage")
             .commandTimeout(Duration.ofSeconds(3)).build())) {
      String key = freshKey();
      store.append(key, List.of("before"), 10, HOUR);
      redis.stop();

      long started = System.nanoTime();
      String label = "ContextStore/outage: " + redis.uri() + "/0";
      assertThatThrownBy(() -> store.tail(key, 10)).hasMessage(label + ": read failed: not connected (reconnecting)");
      assertThatThrownBy(() -> store.append(key, List.of("during"), 10, HOUR))
          .hasMessage(label + ": write failed: not connected (reconnecting)");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as("rejected, not timed out")
          .isLessThan(Duration.ofSeconds(1));

      redis.startAgain();
      await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
        store.append(key, List.of("after"), 10, HOUR);
        return true;
      });
      assertThat(store.tail(key, 10)).containsExactly("after");
    }
  }

  @Test
  void poolSizeIsTheNumberOfConnectionsTheStoreKeeps() throws Exception {
    try (LocalRedis redis = LocalRedis.start()) {
      int before = connectedClients(redis);
      try (ContextStore store = FACTORY.open(StoreSpecs.redis(redis.address()).poolSize(4).build())) {
        assertThat(connectedClients(redis)).isEqualTo(before + 4);
        for (int i = 0; i < 8; i++) {
          store.append(freshKey(), List.of("x"), 10, HOUR);
        }
        // Round-robin: every connection has run a write (each one's last command is the EVAL).
        assertThat(redis.cli("client", "list").lines().filter(line -> line.contains("cmd=eval"))).hasSize(4);
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> connectedClients(redis) == before);
    }
  }

  private static int connectedClients(LocalRedis redis) throws IOException {
    return redis.cli("info", "clients").lines().filter(line -> line.startsWith("connected_clients:"))
        .map(line -> Integer.parseInt(line.substring("connected_clients:".length()).trim())).findFirst().orElseThrow()
        - 1; // the redis-cli asking
  }

  @Test
  void aSpecTheStoreCannotServeIsRejectedBeforeConnecting() {
    StoreSpec.Address nowhere = new StoreSpec.Address("127.0.0.1", 1);
    assertOpenFails(new StoreSpec("two", StoreSpec.Type.REDIS, List.of(nowhere, nowhere), 0, Optional.empty(),
            Optional.empty(), Optional.empty(), SECOND, SECOND, 1), "redis takes exactly one address, got 2");
    assertOpenFails(StoreSpecs.cluster(List.of()).build(), "redis-cluster needs at least one seed address");
    assertOpenFails(StoreSpecs.cluster(List.of(nowhere)).database(3).build(),
        "redis-cluster has only database 0, not 3");
    assertOpenFails(StoreSpecs.redis(nowhere).poolSize(0).build(), "poolSize must be at least 1, was 0");
    assertOpenFails(StoreSpecs.redis(nowhere).commandTimeout(Duration.ZERO).build(),
        "connectTimeout and commandTimeout must be positive");
    assertOpenFails(new StoreSpec("user", StoreSpec.Type.REDIS, List.of(nowhere), 0, Optional.empty(),
            Optional.of("ctx"), Optional.empty(), SECOND, SECOND, 1), "username ctx has no password (ACL AUTH needs one)");
    assertOpenFails(StoreSpecs.redis(nowhere).tls("redis.test", Optional.of("not a certificate")).build(),
        "the TLS CA bundle is not PEM certificates: No certificate data found");
  }
}
