package io.llmxds.filters.context;

import io.llmxds.filters.context.RequestPolicy.Mode;
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
 * Conversation memory over named {@link ContextStore}s, following the policy's schema and mode
 * (docs/context-protocol.md): {@code v1} reads and writes v1 records; {@code v2} strict reads and writes v2;
 * {@code v2} + {@code v1_v2_migration} reads v2, else migrates the v1 record into a new v2 record (created only if
 * absent, so two requests migrating at once write it once) and serves that. The v1 record is left for a rollback and
 * expires by TTL. Entries that do not decode are skipped and counted: a bad entry never fails a read.
 */
public final class StoredConversationMemory implements ConversationMemory {

  private static final AttributeKey<Boolean> MIGRATION_WRITTEN =
      AttributeKey.booleanKey("llm_xds.context.migration.written");
  private static final AttributeKey<Long> CORRUPT = AttributeKey.longKey("llm_xds.context.corrupt_entries");

  private final Map<String, ContextStore> stores;
  private final Duration ttl;
  private final Tracer tracer;
  private final ContextMetrics metrics;

  /**
   * @param stores the stores by the names policies use ({@code memory}, {@code redis})
   * @param ttl how long a session's record lives after its last write
   */
  public StoredConversationMemory(
      Map<String, ContextStore> stores, Duration ttl, OpenTelemetry openTelemetry, MeterRegistry meters) {
    this.stores = Map.copyOf(stores);
    this.ttl = ttl;
    this.tracer = openTelemetry.getTracer("io.llmxds.filters.context");
    this.metrics = new ContextMetrics(meters);
  }

  @Override
  @SuppressWarnings("try") // the scope is only held open, never read
  public List<Turn> load(SessionKey session, RequestPolicy policy) throws StoreException {
    ContextStore store = storeOf(policy);
    Span span = startSpan("context.read", session, policy, policy.schema());
    try (Scope ignored = span.makeCurrent()) {
      List<Turn> turns = read(store, session, policy, span);
      span.setAttribute(ContextSpanAttributes.TURNS, (long) turns.size());
      metrics.read(policy.store(), policy.schema(), turns.isEmpty() ? "miss" : "hit");
      return turns;
    } catch (StoreException e) {
      metrics.read(policy.store(), policy.schema(), "error");
      throw failed(span, e);
    } finally {
      span.end();
    }
  }

  @Override
  public void append(SessionKey session, RequestPolicy policy, List<Turn> turns) throws StoreException {
    if (!turns.isEmpty()) {
      write(storeOf(policy), session, policy, policy.schema(), turns, false);
    }
  }

  private List<Turn> read(ContextStore store, SessionKey session, RequestPolicy policy, Span span)
      throws StoreException {
    if (policy.schema() == Schema.V1) {
      return readRecord(store, session, policy, Schema.V1, span);
    }
    List<Turn> v2 = readRecord(store, session, policy, Schema.V2, span);
    if (!v2.isEmpty() || policy.mode() == Mode.STRICT) {
      return v2;
    }
    List<Turn> v1 = readRecord(store, session, policy, Schema.V1, span);
    return v1.isEmpty() ? v1 : migrate(store, session, policy, v1, span);
  }

  @SuppressWarnings("try") // the scope is only held open, never read
  private List<Turn> migrate(
      ContextStore store, SessionKey session, RequestPolicy policy, List<Turn> v1Turns, Span readSpan)
      throws StoreException {
    Span span = startSpan("context.migrate", session, policy, Schema.V2);
    try (Scope ignored = span.makeCurrent()) {
      List<Turn> v2Turns = Migration.v1ToV2(v1Turns);
      boolean written = write(store, session, policy, Schema.V2, v2Turns, true);
      span.setAttribute(ContextSpanAttributes.TURNS, (long) v2Turns.size());
      span.setAttribute(MIGRATION_WRITTEN, written);
      if (written) {
        metrics.migration(policy.store());
        return v2Turns;
      }
      // Another request migrated first (and may have appended since): serve the record it wrote.
      return readRecord(store, session, policy, Schema.V2, readSpan);
    } catch (StoreException e) {
      throw failed(span, e);
    } finally {
      span.end();
    }
  }

  private List<Turn> readRecord(ContextStore store, SessionKey session, RequestPolicy policy, Schema schema, Span span)
      throws StoreException {
    String key = SessionKeys.storeKey(session, schema);
    List<String> entries = metrics.timed(policy.store(), "tail", () -> store.tail(key, policy.maxTurns()));
    TurnCodec.Decoded decoded = TurnCodec.of(schema).decodeAll(entries);
    if (decoded.corrupt() > 0) {
      metrics.corrupt(policy.store(), decoded.corrupt());
      span.addEvent(
          "corrupt entries skipped",
          Attributes.of(ContextSpanAttributes.SCHEMA, SessionKeys.schemaName(schema), CORRUPT,
              (long) decoded.corrupt()));
    }
    return decoded.turns();
  }

  /** Writes {@code turns} to the session's {@code schema} record; {@code createOnly}: only if it does not exist. */
  @SuppressWarnings("try") // the scope is only held open, never read
  private boolean write(
      ContextStore store, SessionKey session, RequestPolicy policy, Schema schema, List<Turn> turns,
      boolean createOnly) throws StoreException {
    Span span = startSpan("context.write", session, policy, schema);
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

  private ContextStore storeOf(RequestPolicy policy) throws StoreException {
    ContextStore store = stores.get(policy.store());
    if (store == null) {
      throw new StoreException(
          "no context store named '" + policy.store() + "' (configured: " + new TreeMap<>(stores).keySet() + ")");
    }
    return store;
  }

  private Span startSpan(String name, SessionKey session, RequestPolicy policy, Schema schema) {
    return tracer.spanBuilder(name).setAllAttributes(ContextSpanAttributes.of(policy, session, schema)).startSpan();
  }

  private static StoreException failed(Span span, StoreException e) {
    span.setStatus(StatusCode.ERROR, "context store failed");
    span.recordException(e);
    return e;
  }
}
