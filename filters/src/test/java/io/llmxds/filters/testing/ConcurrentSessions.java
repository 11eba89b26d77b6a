package io.llmxds.filters.testing;

import static io.llmxds.filters.testing.TestPolicies.policy;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmxds.filters.context.RequestPolicy;
import io.llmxds.filters.context.RequestPolicy.Schema;
import io.llmxds.filters.context.SessionKey;
import io.llmxds.filters.context.SessionKeys;
import io.llmxds.filters.context.StoredConversationMemory;
import io.llmxds.filters.context.Turn;
import io.llmxds.filters.store.ContextStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
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

/** Many conversations written at once through the conversation memory, each then read back whole and in order. */
public final class ConcurrentSessions {

  private ConcurrentSessions() {}

  /**
   * Appends {@code turns} turns, one request each, to every one of {@code sessions} fresh sessions from
   * {@code threads} threads, then checks that each session holds exactly its turns in order.
   *
   * @return the sessions' store keys (schema v2)
   */
  public static List<String> writeAndCheck(ContextStore store, int sessions, int turns, int threads)
      throws Exception {
    var memory = new StoredConversationMemory(Duration.ofHours(1), OpenTelemetry.noop(), new SimpleMeterRegistry());
    Map<String, ContextStore> stores = Map.of("s", store);
    RequestPolicy policy = policy("s", Schema.V2, Math.max(turns, 1));
    String run = UUID.randomUUID().toString();
    List<SessionKey> keys =
        IntStream.range(0, sessions).mapToObj(i -> new SessionKey(run + "-" + i, Optional.empty())).toList();

    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (SessionKey session : keys) {
        done.add(pool.submit(() -> {
          for (int turn = 0; turn < turns; turn++) {
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

    for (SessionKey session : keys) {
      assertThat(memory.load(session, policy, stores))
          .extracting(Turn::content)
          .containsExactlyElementsOf(IntStream.range(0, turns).mapToObj(t -> session.sessionId() + "#" + t).toList());
    }
    return keys.stream().map(session -> SessionKeys.storeKey(session, Schema.V2)).toList();
  }
}
