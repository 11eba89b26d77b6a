package io.llmxds.filters.extproc;

import static io.llmxds.filters.extproc.ContextService.turns;
import static io.llmxds.filters.testing.TestDataPath.memoryStore;
import static io.llmxds.filters.testing.TestDataPath.redisStore;
import static io.llmxds.filters.testing.TestDataPath.routeMatching;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.llmxds.filters.context.RequestPolicy.Schema;
import io.llmxds.filters.context.SessionKey;
import io.llmxds.filters.context.SessionKeys;
import io.llmxds.filters.extproc.ServiceMetrics.Outcome;
import io.llmxds.filters.store.ContextStore;
import io.llmxds.filters.testing.LocalRedis;
import io.llmxds.filters.testing.StoreSpecs;
import io.llmxds.filters.testing.TestAdsServer;
import io.llmxds.filters.testing.TestDataPath.Config;
import io.llmxds.filters.testing.TestDataPath.Policy;
import io.llmxds.filters.testing.TestStores;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two replicas of the context service, configured by one control plane: on the same {@code redis} store a
 * conversation may go to either replica at every request and always gets its whole history; on the built-in
 * {@code memory} store each replica has a history of its own (memory is for a single replica).
 */
class SharedRedisReplicasTest {
  private static final String MODEL = "gpt-4o";
  private static final int SESSIONS = 50;
  private static final int TURNS = 5;
  private static final int THREADS = 8;

  private static LocalRedis redis;

  private final TestAdsServer controlPlane = ContextService.startControlPlane();
  private final List<ContextService> replicas = List.of(
      new ContextService(controlPlane, "context-service-1"), new ContextService(controlPlane, "context-service-2"));

  @BeforeAll
  static void startRedis() throws IOException {
    redis = LocalRedis.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @AfterEach
  void close() {
    replicas.forEach(ContextService::close);
    controlPlane.close();
  }

  /** One config for both replicas: every model under one policy on {@code store}. */
  private void configure(String storeName, Cluster store) {
    Config config = Config.of("1", List.of(store),
        routeMatching("chat", Policy.of("replicated-context", storeName), ".+"));
    replicas.forEach(replica -> replica.configure(config));
  }

  private void configureRedis() {
    configure("shared", redisStore("shared", redis.uri()));
  }

  @Test
  void aSessionAlternatingBetweenTheReplicasGetsEveryTurnEitherOfThemWrote() throws IOException {
    configureRedis();
    String session = "s-" + UUID.randomUUID();

    for (int i = 0; i < 8; i++) {
      assertThat(replicas.get(i % 2).converse(MODEL, session, i)).as("request %d, on replica %d", i, i % 2 + 1)
          .isEqualTo(turns(session, 0, i));
    }

    for (ContextService replica : replicas) {
      assertThat(replica.counter(ServiceMetrics.REQUESTS, "outcome", Outcome.INJECTED.tag())).isEqualTo(4);
    }
    assertThat(redis.cli("llen", key(session)).trim()).as("every exchange stored once").isEqualTo("16");
  }

  @Test
  void fiftySessionsTalkingAtOnceEachTurnOnARandomReplicaLoseNoTurn() throws Exception {
    configureRedis();
    Queue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicIntegerArray served = new AtomicIntegerArray(replicas.size());
    List<String> sessions = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int s = 0; s < SESSIONS; s++) {
        String session = "s" + s + "-" + UUID.randomUUID();
        sessions.add(session);
        Random random = new Random(s);
        done.add(pool.submit(() -> {
          for (int i = 0; i < TURNS; i++) {
            int replica = random.nextInt(replicas.size());
            served.incrementAndGet(replica);
            try {
              List<String> injected = replicas.get(replica).converse(MODEL, session, i);
              if (!injected.equals(turns(session, 0, i))) {
                failures.add(session + " request " + i + " on replica " + (replica + 1) + " got " + injected);
              }
            } catch (AssertionError | RuntimeException e) {
              failures.add(session + " request " + i + " on replica " + (replica + 1) + ": " + e);
            }
          }
        }));
      }
      for (Future<?> session : done) {
        session.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(failures).isEmpty();
    for (int replica = 0; replica < replicas.size(); replica++) {
      assertThat(served.get(replica)).as("replica %d served", replica + 1).isPositive();
      assertThat(replicas.get(replica).counter(ServiceMetrics.REQUESTS, "outcome", Outcome.INJECTED.tag()))
          .isEqualTo(served.get(replica));
    }
    try (ContextStore store = TestStores.FACTORY.open(StoreSpecs.redis(redis.address()).build())) {
      for (String session : sessions) {
        assertThat(store.tail(key(session), 100)).as(session).hasSize(2 * TURNS);
      }
    }
  }

  @Test
  void onTheMemoryStoreEachReplicaKeepsAHistoryOfItsOwn() {
    configure("memory", memoryStore());
    String session = "s-" + UUID.randomUUID();
    ContextService first = replicas.get(0);
    ContextService second = replicas.get(1);

    assertThat(first.converse(MODEL, session, 0)).isEmpty();
    assertThat(first.converse(MODEL, session, 1)).isEqualTo(turns(session, 0, 1));
    assertThat(second.converse(MODEL, session, 2)).as("replica 2 has never seen the session").isEmpty();
    assertThat(first.converse(MODEL, session, 3)).as("replica 1 has not seen request 2")
        .isEqualTo(turns(session, 0, 2));
    assertThat(second.converse(MODEL, session, 4)).as("replica 2 has only its own request")
        .isEqualTo(turns(session, 2, 3));
  }

  private static String key(String session) {
    return SessionKeys.storeKey(new SessionKey(session, Optional.empty()), Schema.V1);
  }
}
