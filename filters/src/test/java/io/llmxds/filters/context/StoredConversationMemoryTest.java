package io.llmxds.filters.context;

import static io.llmxds.filters.testing.TestPolicies.migrating;
import static io.llmxds.filters.testing.TestPolicies.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmxds.filters.context.RequestPolicy.MigrationSource;
import io.llmxds.filters.context.RequestPolicy.Schema;
import io.llmxds.filters.store.ContextStore;
import io.llmxds.filters.store.InMemoryContextStore;
import io.llmxds.filters.store.StoreException;
import io.llmxds.filters.testing.EachStore;
import io.llmxds.filters.testing.TestTracing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Schemas, modes, migration, limits and telemetry of the conversation memory, over each real store. */
class StoredConversationMemoryTest {

  private static final Duration TTL = Duration.ofHours(1);
  private static final Turn QUESTION = Turn.of("user", "hello");
  private static final Turn ANSWER =
      new Turn("assistant", "hi", Optional.of(Instant.parse("2026-11-27T07:00:00Z")), Optional.of("gpt-4o"),
          Optional.of(new Turn.Usage(12, 34)));

  private final TestTracing tracing = new TestTracing();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @AfterEach
  void closeTracing() {
    tracing.close();
  }

  private MemoryOverStores memoryOver(String name, ContextStore store) {
    return new MemoryOverStores(new StoredConversationMemory(TTL, tracing.openTelemetry(), meters),
        Map.of(name, store));
  }

  private static SessionKey freshSession() {
    return new SessionKey("s-" + UUID.randomUUID(), Optional.of("user 1"));
  }

  private static List<Turn> exchange(int n) {
    List<Turn> turns = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      turns.add(Turn.of(i % 2 == 0 ? "user" : "assistant", "message " + i));
    }
    return turns;
  }

  private double count(String name, String... tags) {
    var counter = meters.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  @EachStore
  void v1RecordsKeepRoleAndContentOnly(ContextStore store) throws StoreException {
    var memory = memoryOver("s", store);
    var v1 = policy("s", Schema.V1, 10);
    var session = freshSession();

    memory.append(session, v1, List.of(QUESTION, ANSWER));

    assertThat(memory.load(session, v1)).containsExactly(QUESTION, Turn.of("assistant", "hi"));
  }

  @EachStore
  void v2RecordsKeepTimeModelAndUsage(ContextStore store) throws StoreException {
    var memory = memoryOver("s", store);
    var v2 = policy("s", Schema.V2, 10);
    var session = freshSession();

    memory.append(session, v2, List.of(QUESTION, ANSWER));

    assertThat(memory.load(session, v2)).containsExactly(QUESTION, ANSWER);
    assertThat(store.tail(SessionKeys.storeKey(session, Schema.V2), 10))
        .containsExactly(
            "{\"role\":\"user\",\"content\":\"hello\"}",
            "{\"role\":\"assistant\",\"content\":\"hi\",\"at\":\"2026-11-27T07:00:00Z\",\"model\":\"gpt-4o\","
                + "\"promptTokens\":12,\"completionTokens\":34}");
  }

  @EachStore
  void strictModesReadOnlyTheirOwnSchema(ContextStore store) throws StoreException {
    var memory = memoryOver("s", store);
    var v1 = policy("s", Schema.V1, 10);
    var v2 = policy("s", Schema.V2, 10);
    var session = freshSession();

    memory.append(session, v1, List.of(Turn.of("user", "under v1")));
    assertThat(memory.load(session, v2)).isEmpty();

    memory.append(session, v2, List.of(Turn.of("user", "under v2")));
    assertThat(memory.load(session, v1)).containsExactly(Turn.of("user", "under v1"));
    assertThat(memory.load(session, v2)).containsExactly(Turn.of("user", "under v2"));
  }

  @EachStore
  void maxTurnsBoundsWhatIsKeptAndLoaded(ContextStore store) throws StoreException {
    var memory = memoryOver("s", store);
    var session = freshSession();
    List<Turn> six = exchange(6);

    memory.append(session, policy("s", Schema.V2, 4), six);

    assertThat(store.tail(SessionKeys.storeKey(session, Schema.V2), 100)).hasSize(4);
    assertThat(memory.load(session, policy("s", Schema.V2, 2)))
        .containsExactlyElementsOf(six.subList(4, 6));
  }

  @EachStore
  void aCorruptEntryIsSkippedAndCountedWithoutFailingTheRead(ContextStore store) throws StoreException {
    var memory = memoryOver("s", store);
    var v2 = policy("s", Schema.V2, 10);
    var session = freshSession();
    store.append(
        SessionKeys.storeKey(session, Schema.V2),
        List.of(
            "{\"role\":\"user\",\"content\":\"first\",\"future\":true}",
            "not json",
            "{\"role\":\"user\"}",
            "{\"role\":\"assistant\",\"content\":\"x\",\"at\":\"yesterday\"}",
            "{\"role\":\"user\",\"content\":\"last\"}"),
        10, TTL);

    assertThat(memory.load(session, v2)).containsExactly(Turn.of("user", "first"), Turn.of("user", "last"));
    assertThat(count("llm_xds.context.corrupt_entries", "store", "s")).isEqualTo(3);
    assertThat(count("llm_xds.context.reads", "store", "s", "schema", "v2", "outcome", "hit")).isEqualTo(1);
  }

  @EachStore
  @SuppressWarnings("try") // the request scope is only held open
  void migrationServesV1HistoryAsV2InTheRequestTraceAndWritesIt(ContextStore store) throws StoreException {
    var memory = memoryOver("s", store);
    var session = freshSession();
    List<Turn> history = exchange(4);
    memory.append(session, policy("s", Schema.V1, 10), history);
    var migrating = migrating("s", 10);

    Span request = tracing.startRequestSpan();
    List<Turn> loaded;
    try (Scope ignored = request.makeCurrent()) {
      loaded = memory.load(session, migrating);
    } finally {
      request.end();
    }

    assertThat(loaded).containsExactlyElementsOf(history);
    String trace = request.getSpanContext().getTraceId();
    SpanData read = onlyInTrace(trace, "context.read");
    SpanData migrate = onlyInTrace(trace, "context.migrate");
    SpanData write = onlyInTrace(trace, "context.write");
    assertThat(read.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
    assertThat(migrate.getParentSpanId()).isEqualTo(read.getSpanId());
    assertThat(write.getParentSpanId()).isEqualTo(migrate.getSpanId());
    assertThat(List.of(read, migrate, write))
        .allSatisfy(span -> {
          assertThat(span.getAttributes().get(ContextSpanAttributes.SESSION)).isEqualTo(SessionKeys.hash(session));
          assertThat(span.getAttributes().get(ContextSpanAttributes.POLICY_VERSION)).isEqualTo("2");
          assertThat(span.getAttributes().get(ContextSpanAttributes.TURNS)).isEqualTo(4L);
        });
    assertThat(write.getAttributes().get(ContextSpanAttributes.SCHEMA)).isEqualTo("v2");
    assertThat(store.tail(SessionKeys.storeKey(session, Schema.V2), 10)).hasSize(4);
    assertThat(store.tail(SessionKeys.storeKey(session, Schema.V1), 10)).hasSize(4);

    assertThat(memory.load(session, migrating)).containsExactlyElementsOf(history);
    assertThat(tracing.spansNamed("context.migrate")).hasSize(1);
    assertThat(count("llm_xds.context.migrations", "store", "s")).isEqualTo(1);
  }

  /** {@code migrate_from_store}: v2 from the policy's store, else the old store's v1, written to the policy's store. */
  @EachStore
  void migrationFromAnotherStoreReadsTheOldStoreAndWritesOnlyTheNewOne(ContextStore oldStore) throws Exception {
    var newStore = new InMemoryContextStore(InMemoryContextStore.DEFAULT_MAX_CHARS);
    var memory = new MemoryOverStores(new StoredConversationMemory(TTL, tracing.openTelemetry(), meters),
        Map.of("old", oldStore, "new", newStore));
    var session = freshSession();
    List<Turn> history = exchange(4);
    memory.append(session, policy("old", Schema.V1, 10), history);
    var moving = migrating("new", new MigrationSource("old", Schema.V1), 10);
    int before = tracing.spans().size();

    assertThat(memory.load(session, moving)).containsExactlyElementsOf(history);
    memory.append(session, moving, List.of(Turn.of("user", "later")));

    assertThat(newStore.tail(SessionKeys.storeKey(session, Schema.V2), 10)).hasSize(5);
    assertThat(oldStore.tail(SessionKeys.storeKey(session, Schema.V1), 10)).as("left as it was").hasSize(4);
    assertThat(oldStore.tail(SessionKeys.storeKey(session, Schema.V2), 10)).as("never written").isEmpty();
    SpanData read = spansSince(before, "context.read").get(0);
    assertThat(read.getAttributes().get(ContextSpanAttributes.STORE)).isEqualTo("old");
    assertThat(read.getAttributes().get(ContextSpanAttributes.SCHEMA)).isEqualTo("v1");
    SpanData migrate = spansSince(before, "context.migrate").get(0);
    assertThat(migrate.getAttributes().get(ContextSpanAttributes.STORE)).isEqualTo("new");
    assertThat(migrate.getAttributes().get(ContextSpanAttributes.MIGRATED_FROM_STORE)).isEqualTo("old");
    assertThat(migrate.getAttributes().get(ContextSpanAttributes.MIGRATED_FROM_SCHEMA)).isEqualTo("v1");
    assertThat(spansSince(before, "context.write")).hasSize(2).allSatisfy(write -> {
      assertThat(write.getAttributes().get(ContextSpanAttributes.STORE)).isEqualTo("new");
      assertThat(write.getAttributes().get(ContextSpanAttributes.SCHEMA)).isEqualTo("v2");
    });
    assertThat(memory.load(session, moving)).as("from the new store's v2 now").hasSize(5);
    assertThat(spansSince(before, "context.read").get(1).getAttributes().get(ContextSpanAttributes.STORE))
        .isEqualTo("new");
  }

  private List<SpanData> spansSince(int count, String name) {
    List<SpanData> spans = tracing.spans();
    return spans.subList(count, spans.size()).stream().filter(span -> span.getName().equals(name)).toList();
  }

  @EachStore
  void twoConcurrentFirstLoadsMigrateOnce(ContextStore store) throws Exception {
    // Both loads reach the create step before either creates: the race a non-atomic create would lose.
    var memory = memoryOver("s", new CreateAfterBothArrive(store));
    var session = freshSession();
    List<Turn> history = exchange(4);
    memory.append(session, policy("s", Schema.V1, 10), history);
    var migrating = migrating("s", 10);

    var first = CompletableFuture.supplyAsync(() -> loadUnchecked(memory, session, migrating));
    var second = CompletableFuture.supplyAsync(() -> loadUnchecked(memory, session, migrating));

    assertThat(first.get(10, TimeUnit.SECONDS)).containsExactlyElementsOf(history);
    assertThat(second.get(10, TimeUnit.SECONDS)).containsExactlyElementsOf(history);
    assertThat(store.tail(SessionKeys.storeKey(session, Schema.V2), 100)).hasSize(4);
    assertThat(count("llm_xds.context.migrations", "store", "s")).isEqualTo(1);
    assertThat(count("llm_xds.context.writes", "store", "s", "schema", "v2", "outcome", "exists")).isEqualTo(1);
  }

  @Test
  void aStoreFailureFailsTheSpanAndIsCounted() {
    var memory = memoryOver("down", new UnreachableStore());
    var policy = migrating("down", 10);

    assertThatThrownBy(() -> memory.load(freshSession(), policy)).isInstanceOf(StoreException.class);
    assertThatThrownBy(() -> memory.append(freshSession(), policy, exchange(2))).isInstanceOf(StoreException.class);

    assertThat(tracing.spans()).extracting(SpanData::getName).containsExactly("context.read", "context.write");
    assertThat(tracing.spans())
        .allSatisfy(span -> {
          assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
          assertThat(span.getEvents()).extracting(event -> event.getName()).contains("exception");
        });
    assertThat(count("llm_xds.context.reads", "store", "down", "schema", "v2", "outcome", "error")).isEqualTo(1);
    assertThat(count("llm_xds.context.writes", "store", "down", "schema", "v2", "outcome", "error")).isEqualTo(1);
  }

  @Test
  void anUnknownStoreNameIsAStoreFailureNamingIt() {
    var memory = memoryOver("memory", new UnreachableStore());

    assertThatThrownBy(() -> memory.load(freshSession(), policy("redis", Schema.V1, 10)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("'redis'");
  }

  private SpanData onlyInTrace(String traceId, String name) {
    List<SpanData> spans =
        tracing.spansNamed(name).stream().filter(span -> span.getTraceId().equals(traceId)).toList();
    assertThat(spans).hasSize(1);
    return spans.get(0);
  }

  private static List<Turn> loadUnchecked(MemoryOverStores memory, SessionKey session, RequestPolicy policy) {
    try {
      return memory.load(session, policy);
    } catch (StoreException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A store whose every call fails as an unreachable Redis does. */
  static final class UnreachableStore implements ContextStore {
    @Override
    public List<String> tail(String key, int max) throws StoreException {
      throw new StoreException("redis read failed: Connection refused");
    }

    @Override
    public void append(String key, List<String> entries, int keep, Duration ttl) throws StoreException {
      throw new StoreException("redis write failed: Connection refused");
    }

    @Override
    public boolean createIfAbsent(String key, List<String> entries, int keep, Duration ttl) throws StoreException {
      throw new StoreException("redis write failed: Connection refused");
    }

    @Override
    public void close() {}
  }

  /** Delegates, but holds each of the first two creates until both have arrived. */
  private static final class CreateAfterBothArrive implements ContextStore {
    private final ContextStore delegate;
    private final CyclicBarrier bothArrived = new CyclicBarrier(2);

    CreateAfterBothArrive(ContextStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public List<String> tail(String key, int max) throws StoreException {
      return delegate.tail(key, max);
    }

    @Override
    public void append(String key, List<String> entries, int keep, Duration ttl) throws StoreException {
      delegate.append(key, entries, keep, ttl);
    }

    @Override
    public boolean createIfAbsent(String key, List<String> entries, int keep, Duration ttl) throws StoreException {
      try {
        bothArrived.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
        throw new IllegalStateException("the other load never reached the create step", e);
      }
      return delegate.createIfAbsent(key, entries, keep, ttl);
    }

    @Override
    public void close() {}
  }
}
