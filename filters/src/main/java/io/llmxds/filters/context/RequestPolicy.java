package io.llmxds.filters.context;

import java.util.Optional;

/**
 * The context policy one request runs under: the policy of the data-path config's route that matches the request's
 * model (docs/data-path-config.md), or the built-in default. Store names are resolved against the stores of the
 * snapshot the request holds, so one request uses exactly one snapshot's stores.
 *
 * @param config the version of the data-path config the request runs under ({@code llm_xds.config_version} on its
 *     spans), or {@link io.llmxds.filters.config.BuiltInDefault#CONFIG}
 * @param route the data-path route the model matched
 * @param maxTurns how many stored messages are injected at most (and kept in the store)
 * @param maxInjectedChars how many characters of history are injected at most
 * @param store the store read and written
 * @param migrateFrom with schema v2 and mode {@code v1_v2_migration}: where a session without a v2 record has its
 *     old one (another store, or the same store's v1 record)
 * @param userHeader empty when the policy names none
 */
public record RequestPolicy(
    String config,
    String route,
    String name,
    String version,
    Schema schema,
    int maxTurns,
    int maxInjectedChars,
    String store,
    Optional<MigrationSource> migrateFrom,
    FailureMode failureMode,
    String sessionHeader,
    String userHeader) {

  /** The stored record's schema. */
  public enum Schema { V1, V2 }

  /** When the store fails: {@code OPEN} serves the request without history, {@code CLOSED} answers 503. */
  public enum FailureMode { OPEN, CLOSED }

  /** The old records a migrating policy reads when the session has no record of its own schema yet; never written. */
  public record MigrationSource(String store, Schema schema) {}
}
