package io.llmxds.filters.store;

import static io.llmxds.filters.testing.TestPolicies.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.llmxds.filters.context.RequestPolicy;
import io.llmxds.filters.context.RequestPolicy.Mode;
import io.llmxds.filters.context.RequestPolicy.Schema;
import io.llmxds.filters.context.SessionKey;
import io.llmxds.filters.context.StoredConversationMemory;
import io.llmxds.filters.context.Turn;
import io.llmxds.filters.testing.LocalRedis;
import io.llmxds.filters.testing.StoreSpecs;
import io.llmxds.filters.testing.TestStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The Redis store under load, and opened from a URI (the service's {@code --redis}), against a real redis-server. */
class RedisContextStoreTest {

  private static final Duration HOUR = Duration.ofHours(1);

  @Test
  void twoHundredConcurrentSessionsOfTenTurnsEachKeepExactlyTheirTurnsInOrder() throws Exception {
    try (ContextStore pooled = TestStores.FACTORY.open(StoreSpecs.redis(TestStores.sharedRedis().address()).poolSize(4)
        .build())) {
      twoHundredSessions(pooled);
    }
  }

  private static void twoHundredSessions(ContextStore pooled) throws Exception {
    var memory =
        new StoredConversationMemory(
            Map.of("redis", pooled), HOUR, OpenTelemetry.noop(), new SimpleMeterRegistry());
    RequestPolicy policy = policy("redis", Schema.V2, Mode.STRICT, 20);
    String run = UUID.randomUUID().toString();
    List<SessionKey> sessions =
        IntStream.range(0, 200).mapToObj(i -> new SessionKey(run + "-" + i, Optional.empty())).toList();

    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (SessionKey session : sessions) {
        done.add(pool.submit(() -> {
          for (int turn = 0; turn < 10; turn++) {
            memory.append(session, policy, List.of(Turn.of("user", session.sessionId() + "#" + turn)));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }

    for (SessionKey session : sessions) {
      assertThat(memory.load(session, policy))
          .extracting(Turn::content)
          .containsExactlyElementsOf(
              IntStream.range(0, 10).mapToObj(turn -> session.sessionId() + "#" + turn).toList());
    }
  }

  @Test
  void connectingToNothingFailsWithAStoreException() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }

    assertThatThrownBy(() -> RedisContextStore.connect("redis://127.0.0.1:" + closedPort, Duration.ofMillis(250)))
        .isInstanceOf(StoreException.class)
        .hasMessage("redis unreachable: ContextStore/redis: redis://127.0.0.1:" + closedPort + "/0: connection refused");
  }

  @Test
  void aUriWithAPasswordAuthenticatesAndAWrongOneIsNotEchoed() throws Exception {
    try (LocalRedis redis = LocalRedis.start("--requirepass", "uri-pa55")) {
      String uri = "redis://:uri-pa55@127.0.0.1:" + redis.port() + "/2";
      try (RedisContextStore store = RedisContextStore.connect(uri, Duration.ofSeconds(1))) {
        store.append("llmxds:ctx:uri", List.of("a"), 10, HOUR);
      }
      assertThat(redis.cli("-a", "uri-pa55", "-n", "2", "lrange", "llmxds:ctx:uri", "0", "-1").trim()).isEqualTo("a");
      assertThatThrownBy(() -> RedisContextStore.connect("redis://:n0t-it@127.0.0.1:" + redis.port(), Duration.ofSeconds(1)))
          .hasMessageEndingWith(": authentication failed (WRONGPASS)")
          .hasMessageNotContaining("n0t-it");
    }
  }

  @Test
  void aMalformedUriIsAStoreExceptionThatDoesNotEchoIt() {
    assertThatThrownBy(() -> RedisContextStore.connect("http://user:hunter2@host", Duration.ofMillis(250)))
        .isInstanceOf(StoreException.class)
        .hasMessageNotContaining("hunter2");
  }
}
