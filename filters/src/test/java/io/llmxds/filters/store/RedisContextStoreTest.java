package io.llmxds.filters.store;

import static io.llmxds.filters.testing.TestPolicies.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.llmxds.filters.context.RequestPolicy;
import io.llmxds.filters.context.RequestPolicy.Schema;
import io.llmxds.filters.context.SessionKey;
import io.llmxds.filters.context.StoredConversationMemory;
import io.llmxds.filters.context.Turn;
import io.llmxds.filters.testing.LocalRedis;
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

/** The Redis store under load and through an outage, against a real redis-server. */
class RedisContextStoreTest {

  private static final Duration HOUR = Duration.ofHours(1);

  @Test
  void twoHundredConcurrentSessionsOfTenTurnsEachKeepExactlyTheirTurnsInOrder() throws Exception {
    var memory = new StoredConversationMemory(HOUR, OpenTelemetry.noop(), new SimpleMeterRegistry());
    Map<String, ContextStore> stores = Map.of("redis", TestStores.redisStore());
    RequestPolicy policy = policy("redis", Schema.V2, 20);
    String run = UUID.randomUUID().toString();
    List<SessionKey> sessions =
        IntStream.range(0, 200).mapToObj(i -> new SessionKey(run + "-" + i, Optional.empty())).toList();

    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (SessionKey session : sessions) {
        done.add(pool.submit(() -> {
          for (int turn = 0; turn < 10; turn++) {
            memory.append(session, policy, stores, List.of(Turn.of("user", session.sessionId() + "#" + turn)));
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
      assertThat(memory.load(session, policy, stores))
          .extracting(Turn::content)
          .containsExactlyElementsOf(
              IntStream.range(0, 10).mapToObj(turn -> session.sessionId() + "#" + turn).toList());
    }
  }

  @Test
  void anUnreachableRedisFailsFastAndTheStoreRecoversWhenItIsBack() throws Exception {
    try (LocalRedis redis = LocalRedis.start();
        RedisContextStore store = RedisContextStore.connect(redis.uri(), RedisContextStore.DEFAULT_COMMAND_TIMEOUT)) {
      store.append("k", List.of("before"), 10, HOUR);
      redis.stop();

      long started = System.nanoTime();
      assertThatThrownBy(() -> store.tail("k", 10)).isInstanceOf(StoreException.class);
      assertThatThrownBy(() -> store.append("k", List.of("during"), 10, HOUR)).isInstanceOf(StoreException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));

      redis.startAgain();
      await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
        store.append("k", List.of("after"), 10, HOUR);
        return true;
      });
      assertThat(store.tail("k", 10)).containsExactly("after");
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
        .hasMessageContaining("unreachable");
  }

  @Test
  void aMalformedUriIsAStoreExceptionThatDoesNotEchoIt() {
    assertThatThrownBy(() -> RedisContextStore.connect("http://user:hunter2@host", Duration.ofMillis(250)))
        .isInstanceOf(StoreException.class)
        .hasMessageNotContaining("hunter2");
  }
}
