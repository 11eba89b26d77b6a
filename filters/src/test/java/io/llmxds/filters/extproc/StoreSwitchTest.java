package io.llmxds.filters.extproc;

import static io.llmxds.filters.extproc.ContextService.chatHeaders;
import static io.llmxds.filters.extproc.ContextService.chatRequest;
import static io.llmxds.filters.extproc.ContextService.jsonAnswer;
import static io.llmxds.filters.extproc.ContextService.jsonResponseHeaders;
import static io.llmxds.filters.extproc.ContextService.turns;
import static io.llmxds.filters.testing.TestDataPath.memoryStore;
import static io.llmxds.filters.testing.TestDataPath.redisStore;
import static io.llmxds.filters.testing.TestDataPath.routeMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.llmxds.filters.context.ContextSpanAttributes;
import io.llmxds.filters.context.RequestPolicy.Schema;
import io.llmxds.filters.context.SessionKey;
import io.llmxds.filters.context.SessionKeys;
import io.llmxds.filters.testing.LocalRedis;
import io.llmxds.filters.testing.RecordingStoreFactory.RecordingStore;
import io.llmxds.filters.testing.TestDataPath.Config;
import io.llmxds.filters.testing.TestDataPath.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A config that moves the context to another store while many sessions talk: no request fails, each runs on the
 * stores of the snapshot it began with (one request deliberately spans the switch), the new store gets every turn
 * from then on, and the old store is closed only once the last request on it has ended.
 */
class StoreSwitchTest {
  private static final int SESSIONS = 16;
  private static final int TURNS = 6;
  private static final int THREADS = 8;

  private final ContextService service = new ContextService();
  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

  @AfterEach
  void close() {
    pool.shutdownNow();
    service.close();
  }

  /** Memory A to memory B: history does not move, so a session starts over in B, and never mixes the two. */
  @Test
  void fromMemoryAToMemoryBNoRequestFailsAndAClosesAfterItsLastRequest() throws Exception {
    service.configure(Config.of("1", List.of(memoryStore("a")), routeMatching("chat", Policy.of("p", "a"), ".+")));
    RecordingStore a = service.store("a");

    Talk talk = talkWhileSwitchingTo(Config.of("2", List.of(memoryStore("b")),
        routeMatching("chat", Policy.of("p", "b"), ".+")));

    RecordingStore b = service.store("b");
    await().until(a::closed);
    assertThat(a.usedAfterClose()).as("no request ran on A after it was closed").isZero();
    assertThat(b.closed()).isFalse();
    int underA = 0;
    for (String session : talk.sessions()) {
      List<List<String>> seen = talk.injected.get(session);
      int k = requestsOn(session, "a");
      for (int i = 0; i <= TURNS; i++) {
        assertThat(seen.get(i)).as(session + " request " + i).isEqualTo(turns(session, i < k ? 0 : k, i));
      }
      underA += k;
    }
    assertThat(talk.injected.get(talk.straddler()).get(1)).as("B does not have A's history").isEmpty();
    assertThat(talk.sessions()).as("sessions the switch fell into").anyMatch(s -> requestsOn(s, "a") > 0);
    assertThat(a.writes()).as("requests under A, and the one across the switch").isEqualTo(underA + 1);
    assertThat(b.writes()).isEqualTo(SESSIONS * (TURNS + 1) - underA + 1);
  }

  /** Redis A to redis B with {@code migrate_from_store}: every session keeps its whole history; A is only read. */
  @Test
  void fromRedisAToRedisBWithMigrationEverySessionKeepsItsHistoryAndAIsNeverWrittenAgain() throws Exception {
    try (LocalRedis redisA = LocalRedis.start(); LocalRedis redisB = LocalRedis.start()) {
      Cluster storeA = redisStore("a", redisA.uri());
      service.configure(Config.of("1", List.of(storeA), routeMatching("chat", Policy.of("p", "a"), ".+")));
      RecordingStore a = service.store("a");

      Talk talk = talkWhileSwitchingTo(Config.of("2", List.of(storeA, redisStore("b", redisB.uri())),
          routeMatching("chat", Policy.of("p", "b").migratingToV2("b", "a", "v1"), ".+")));

      RecordingStore b = service.store("b");
      assertThat(service.store("a")).as("A's spec is unchanged: the same store").isSameAs(a);
      int underA = 0;
      int migrations = 0;
      for (String session : talk.injected().keySet()) {
        List<List<String>> seen = talk.injected.get(session);
        for (int i = 0; i < seen.size(); i++) {
          assertThat(seen.get(i)).as(session + " request " + i).isEqualTo(turns(session, 0, i));
        }
        int k = requestsOn(session, "a");
        assertThat(a.tail(key(session, Schema.V1), 100)).as(session + " in A").hasSize(2 * k);
        assertThat(b.tail(key(session, Schema.V2), 100)).as(session + " in B").hasSize(2 * seen.size());
        assertThat(a.tail(key(session, Schema.V2), 100)).isEmpty();
        assertThat(b.tail(key(session, Schema.V1), 100)).isEmpty();
        underA += k;
        migrations += k > 0 ? 1 : 0;
      }
      assertThat(requestsOn(talk.straddler(), "a")).as("the request across the switch ran on A").isEqualTo(1);
      assertThat(migrations).as("sessions the switch fell into, and the one across").isGreaterThan(1);
      assertThat(a.writes()).as("only requests under A wrote to A").isEqualTo(underA);
      assertThat(b.writes()).isEqualTo(SESSIONS * (TURNS + 1) + 2 - underA + migrations);
    }
  }

  /** Envoy resets the stream when the client goes away: that releases the request's snapshot too. */
  @Test
  void aCancelledRequestLetsGoOfItsSnapshot() {
    service.configure(Config.of("1", List.of(memoryStore("a")), routeMatching("chat", Policy.of("p", "a"), ".+")));
    RecordingStore a = service.store("a");
    FakeEnvoy.Stream stream = service.envoy.open(Map.of());
    stream.send(ContextProcessorTest.requestHeaders(chatHeaders("s-" + UUID.randomUUID())));
    service.configure(Config.of("2", List.of(memoryStore("b")), routeMatching("chat", Policy.of("p", "b"), ".+")));
    assertThat(service.snapshots.heldSnapshots()).isEqualTo(2);
    assertThat(a.closed()).isFalse();

    stream.cancel();

    await().until(() -> service.snapshots.heldSnapshots() == 1);
    assertThat(a.closed()).isTrue();
  }

  /** What the sessions of one run saw: the history injected into each request, in order. */
  private record Talk(Map<String, List<List<String>>> injected, String straddler) {
    List<String> sessions() {
      return injected.keySet().stream().filter(s -> !s.equals(straddler)).toList();
    }
  }

  /**
   * Runs {@value #SESSIONS} sessions of {@value #TURNS} requests each, {@value #THREADS} at a time, and switches
   * to {@code next} when a third of the requests are done, with one more request open across the switch. Then every
   * session (and the one across) sends one more, which runs under {@code next} for sure.
   */
  private Talk talkWhileSwitchingTo(Config next) throws Exception {
    Map<String, List<List<String>>> injected = new ConcurrentHashMap<>();
    AtomicInteger done = new AtomicInteger();
    List<Future<?>> sessions = new ArrayList<>();
    for (int s = 0; s < SESSIONS; s++) {
      String session = "s" + s + "-" + UUID.randomUUID();
      List<List<String>> seen = new ArrayList<>();
      injected.put(session, seen);
      sessions.add(pool.submit(() -> {
        for (int i = 0; i < TURNS; i++) {
          seen.add(exchange(session, i));
          done.incrementAndGet();
        }
        return null;
      }));
    }
    String straddler = "straddler-" + UUID.randomUUID();
    await().until(() -> done.get() >= SESSIONS * TURNS / 3);
    FakeEnvoy.Stream across = service.envoy.open(Map.of());
    across.send(ContextProcessorTest.requestHeaders(chatHeaders(straddler)));
    across.send(ContextProcessorTest.requestBody(chatRequest("m", null, straddler + " q0")));

    service.configure(next);

    across.send(ProcessingRequest.newBuilder().setResponseHeaders(HttpHeaders.newBuilder()
        .setHeaders(FakeEnvoy.headerMap(jsonResponseHeaders()))).build());
    across.send(ProcessingRequest.newBuilder().setResponseBody(HttpBody.newBuilder()
        .setBody(ByteString.copyFrom(jsonAnswer("m", straddler + " a0", 1, 1))).setEndOfStream(true)).build());
    across.end();
    for (Future<?> session : sessions) {
      session.get(60, TimeUnit.SECONDS);
    }
    injected.forEach((session, seen) -> seen.add(exchange(session, TURNS)));
    injected.put(straddler, List.of(List.of(), exchange(straddler, 1)));
    await().until(() -> service.snapshots.heldSnapshots() == 1);
    return new Talk(injected, straddler);
  }

  private List<String> exchange(String session, int i) {
    return service.converse("m", session, i);
  }

  /** How many of the session's requests ran on {@code store}, as their {@code context.inject} spans say. */
  private int requestsOn(String session, String store) {
    String hash = SessionKeys.hash(new SessionKey(session, Optional.empty()));
    return (int) service.spans.getFinishedSpanItems().stream()
        .filter(span -> span.getName().equals("context.inject"))
        .filter(span -> hash.equals(span.getAttributes().get(ContextSpanAttributes.SESSION)))
        .filter(span -> store.equals(span.getAttributes().get(ContextSpanAttributes.STORE)))
        .count();
  }

  private static String key(String session, Schema schema) {
    return SessionKeys.storeKey(new SessionKey(session, Optional.empty()), schema);
  }
}
