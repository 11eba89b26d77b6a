package io.llmxds.cp.policy;

/**
 * How the ext_proc context service keeps conversation history for requests that run under this policy.
 *
 * @param sessionHeader the request header identifying a conversation
 * @param userHeader an optional header identifying the user (empty string when unused)
 * @param maxTurns how many past turns are injected into a request at most
 * @param maxInjectedChars how many characters of history are injected at most
 * @param store the name of the store the context service uses (e.g. {@code memory}, {@code redis})
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
    FailureMode failureMode) {

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

  /** What the context service does when the store fails. */
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
