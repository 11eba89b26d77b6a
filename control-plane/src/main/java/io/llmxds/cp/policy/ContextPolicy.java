package io.llmxds.cp.policy;

import java.util.Optional;

/**
 * How the ext_proc context service keeps conversation history for requests that run under this policy.
 *
 * @param sessionHeader the request header identifying a conversation
 * @param userHeader an optional header identifying the user (empty string when unused)
 * @param maxTurns how many past turns are injected into a request at most
 * @param maxInjectedChars how many characters of history are injected at most
 * @param store the ContextStore the context service reads and writes (or the built-in {@code memory})
 * @param migrateFrom with {@code v1_v2_migration}: where the old records are (default: the policy's own store, v1);
 *     v2 only from another store (a store move)
 */
public record ContextPolicy(
    String name,
    String sessionHeader,
    String userHeader,
    Schema schema,
    Mode mode,
    int maxTurns,
    int maxInjectedChars,
    String store,
    FailureMode failureMode,
    Optional<MigrateFrom> migrateFrom) {

  /** The old records a migration reads: from {@code store}, in {@code schema}; the policy writes only its own store. */
  public record MigrateFrom(String store, Schema schema) {}

  /** The stored record's schema version. */
  public enum Schema {
    V1("v1"), V2("v2");

    private final String wire;

    Schema(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  /** How stored records of another schema are treated. */
  public enum Mode {
    /** Only records of the policy's schema are read. */
    STRICT("strict"),
    /** Read v2; else read v1, migrate it to v2 and write v2 back. */
    V1_V2_MIGRATION("v1_v2_migration");

    private final String wire;

    Mode(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  /** What the context service (or, for a global RateLimit, the rate-limit service) does when the store fails. */
  public enum FailureMode {
    /** Serve the request without history. */
    OPEN("open"),
    /** Fail the request (503). */
    CLOSED("closed");

    private final String wire;

    FailureMode(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }
}
