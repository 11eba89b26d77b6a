package io.llmxds.filters.context;

import io.llmxds.filters.context.RequestPolicy.MigrationSource;
import io.llmxds.filters.context.RequestPolicy.Schema;
import io.llmxds.filters.store.ContextStore;
import io.llmxds.filters.store.StoreException;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Conversation memory over the stores of a request's snapshot, following the policy's schema and migration source
 * (docs/context-protocol.md): a policy reads and writes records of its schema in its store; a migrating policy
 * reads its own v2 record, else the old record of its {@link RequestPolicy#migrateFrom()} (another store, or the v1
 * record of its own), migrates it into a new v2 record in its own store (created only if absent, so two requests
 * migrating at once write it once) and serves that. The old record is never written: it is left for a rollback and
 * expires by TTL. Entries that do not decode are skipped and counted: a bad entry never fails a read.
 */
public final class StoredConversationMemory implements ConversationMemory {

  private static final AttributeKey<Boolean> MIGRATION_WRITTEN =
      AttributeKey.booleanKey("llm_xds.context.migration.written");
  private static final AttributeKey<Long> CORRUPT = AttributeKey.longKey("llm_xds.context.corrupt_entries");

  private final Duration ttl;
  private final Tracer tracer;
  private final ContextMetrics metrics;

  /** @param ttl how long a session's record lives after its last write */
  public StoredConversationMemory(Duration ttl, OpenTelemetry openTelemetry, MeterRegistry meters) {
    this.ttl = ttl;
    this.tracer = openTelemetry.getTracer("io.llmxds.filters.context");
    this.metrics = new ContextMetrics(meters);
  }

  /** What a read served, and from which store and schema it came. */
  private record Loaded(List<Turn> turns, String store, Schema schema) {}

  @Override
  @SuppressWarnings("try") // the scope is only held open, never read
  public List<Turn> load(SessionKey session, RequestPolicy policy, Map<String, ContextStore> stores)
      throws StoreException {
    Span span = startSpan("context.read", session, policy, policy.store(), policy.schema());
    try (Scope ignored = span.makeCurrent()) {
      Loaded loaded = read(stores, session, policy, span);
      span.setAttribute(ContextSpanAttributes.TURNS, (long) loaded.turns().size());
      metrics.read(loaded.store(), loaded.schema(), loaded.turns().isEmpty() ? "miss" : "hit");
      return loaded.turns();
    } catch (StoreException e) {
      metrics.read(policy.store(), policy.schema(), "error");
      throw failed(span, e);
    } finally {
      span.end();
    }
  }

  @Override
  public void append(SessionKey session, RequestPolicy policy, Map<String, ContextStore> stores, List<Turn> turns)
      throws StoreException {
    if (!turns.isEmpty()) {
      write(storeNamed(stores, policy.store()), session, policy, policy.schema(), turns, false);
    }
  }

  private Loaded read(Map<String, ContextStore> stores, SessionKey session, RequestPolicy policy, Span span)
      throws StoreException {
    ContextStore own = storeNamed(stores, policy.store());
    List<Turn> turns = readRecord(own, policy.store(), session, policy, policy.schema(), span);
    if (!turns.isEmpty() || policy.migrateFrom().isEmpty()) {
      return new Loaded(turns, policy.store(), policy.schema());
    }
    MigrationSource from = policy.migrateFrom().get();
    List<Turn> old = readRecord(storeNamed(stores, from.store()), from.store(), session, policy, from.schema(), span);
    if (old.isEmpty()) {
      return new Loaded(old, policy.store(), policy.schema());
    }
    // What this request was served from is the old record.
    span.setAttribute(ContextSpanAttributes.STORE, from.store());
    span.setAttribute(ContextSpanAttributes.SCHEMA, SessionKeys.schemaName(from.schema()));
    return new Loaded(migrate(own, session, policy, from, old, span), from.store(), from.schema());
  }

  @SuppressWarnings("try") // the scope is only held open, never read
  private List<Turn> migrate(ContextStore own, SessionKey session, RequestPolicy policy, MigrationSource from,
      List<Turn> oldTurns, Span readSpan) throws StoreException {
    Span span = startSpan("context.migrate", session, policy, policy.store(), Schema.V2);
    span.setAttribute(ContextSpanAttributes.MIGRATED_FROM_STORE, from.store());
    span.setAttribute(ContextSpanAttributes.MIGRATED_FROM_SCHEMA, SessionKeys.schemaName(from.schema()));
    try (Scope ignored = span.makeCurrent()) {
      List<Turn> v2Turns = Migration.toV2(from.schema(), oldTurns);
      boolean written = write(own, session, policy, Schema.V2, v2Turns, true);
      span.setAttribute(ContextSpanAttributes.TURNS, (long) v2Turns.size());
      span.setAttribute(MIGRATION_WRITTEN, written);
      if (written) {
        metrics.migration(policy.store());
        return v2Turns;
      }
      // Another request migrated first (and may have appended since): serve the record it wrote.
      return readRecord(own, policy.store(), session, policy, Schema.V2, readSpan);
    } catch (StoreException e) {
      throw failed(span, e);
    } finally {
      span.end();
    }
  }

  private List<Turn> readRecord(ContextStore store, String storeName, SessionKey session, RequestPolicy policy,
      Schema schema, Span span) throws StoreException {
    String key = SessionKeys.storeKey(session, schema);
    List<String> entries = metrics.timed(storeName, "tail", () -> store.tail(key, policy.maxTurns()));
    TurnCodec.Decoded decoded = TurnCodec.of(schema).decodeAll(entries);
    if (decoded.corrupt() > 0) {
      metrics.corrupt(storeName, decoded.corrupt());
      span.addEvent(
          "corrupt entries skipped",
          Attributes.of(ContextSpanAttributes.SCHEMA, SessionKeys.schemaName(schema), CORRUPT,
              (long) decoded.corrupt()));
    }
    return decoded.turns();
  }

  /**
   * Writes {@code turns} to the session's {@code schema} record in the policy's own store; {@code createOnly}: only
   * if it does not exist.
   */
  @SuppressWarnings("try") // the scope is only held open, never read
  private boolean write(
      ContextStore store, SessionKey session, RequestPolicy policy, Schema schema, List<Turn> turns,
      boolean createOnly) throws StoreException {
    Span span = startSpan("context.write", session, policy, policy.store(), schema);
    span.setAttribute(ContextSpanAttributes.TURNS, (long) turns.size());
    try (Scope ignored = span.makeCurrent()) {
      String key = SessionKeys.storeKey(session, schema);
      TurnCodec codec = TurnCodec.of(schema);
      List<String> entries = turns.stream().map(codec::encode).toList();
      boolean written =
          createOnly
              ? metrics.timed(policy.store(), "create",
                  () -> store.createIfAbsent(key, entries, policy.maxTurns(), ttl))
              : metrics.timed(policy.store(), "append", () -> append(store, key, entries, policy.maxTurns()));
      metrics.write(policy.store(), schema, written ? "ok" : "exists");
      return written;
    } catch (StoreException e) {
      metrics.write(policy.store(), schema, "error");
      throw failed(span, e);
    } finally {
      span.end();
    }
  }

  private boolean append(ContextStore store, String key, List<String> entries, int keep) throws StoreException {
    store.append(key, entries, keep, ttl);
    return true;
  }

  // A snapshot is only applied when every store its policies name is in it; this guards a caller's mistake.
  private static ContextStore storeNamed(Map<String, ContextStore> stores, String name) throws StoreException {
    ContextStore store = stores.get(name);
    if (store == null) {
      throw new StoreException(
          "no context store named '" + name + "' (configured: " + new TreeMap<>(stores).keySet() + ")");
    }
    return store;
  }

  private Span startSpan(String name, SessionKey session, RequestPolicy policy, String store, Schema schema) {
    return tracer.spanBuilder(name)
        .setAllAttributes(ContextSpanAttributes.of(policy, session, store, schema))
        .startSpan();
  }

  private static StoreException failed(Span span, StoreException e) {
    span.setStatus(StatusCode.ERROR, "context store failed");
    span.recordException(e);
    return e;
  }
}
