package io.llmxds.filters.context;

import io.llmxds.filters.store.StoreException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The conversation memory's Micrometer meters. Tags are store names, schemas and outcomes: never ids or text. */
final class ContextMetrics {

  static final String READS = "llm_xds.context.reads";
  static final String WRITES = "llm_xds.context.writes";
  static final String MIGRATIONS = "llm_xds.context.migrations";
  static final String STORE_LATENCY = "llm_xds.context.store.latency";
  static final String CORRUPT_ENTRIES = "llm_xds.context.corrupt_entries";

  private final MeterRegistry registry;

  ContextMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** {@code outcome}: {@code hit} (turns found), {@code miss} (none), {@code error} (the store failed). */
  void read(String store, RequestPolicy.Schema schema, String outcome) {
    registry.counter(READS, "store", store, "schema", SessionKeys.schemaName(schema), "outcome", outcome).increment();
  }

  /** {@code outcome}: {@code ok}, {@code exists} (a create found the key already there), {@code error}. */
  void write(String store, RequestPolicy.Schema schema, String outcome) {
    registry.counter(WRITES, "store", store, "schema", SessionKeys.schemaName(schema), "outcome", outcome).increment();
  }

  void migration(String store) {
    registry.counter(MIGRATIONS, "store", store).increment();
  }

  void corrupt(String store, int entries) {
    registry.counter(CORRUPT_ENTRIES, "store", store).increment(entries);
  }

  /** Runs one store operation, timing it (failures too) under {@code op}. */
  <T> T timed(String store, String op, StoreCall<T> call) throws StoreException {
    Timer.Sample sample = Timer.start(registry);
    try {
      return call.run();
    } finally {
      sample.stop(registry.timer(STORE_LATENCY, "store", store, "op", op));
    }
  }

  @FunctionalInterface
  interface StoreCall<T> {
    T run() throws StoreException;
  }
}
