package io.llmxds.filters.context;

/**
 * The context policy one request runs under, as the control plane sent it in the ext_proc stream's gRPC initial
 * metadata (docs/context-protocol.md): every request runs under exactly one policy version.
 *
 * @param maxTurns how many stored messages are injected at most (and kept in the store)
 * @param maxInjectedChars how many characters of history are injected at most
 * @param store the name of the store to use ({@code memory}, {@code redis})
 */
public record RequestPolicy(
    String route,
    String name,
    String version,
    Schema schema,
    Mode mode,
    int maxTurns,
    int maxInjectedChars,
    String store,
    FailureMode failureMode,
    String sessionHeader,
    String userHeader) {

  /** The stored record's schema. */
  public enum Schema { V1, V2 }

  /** {@code STRICT}: only records of the policy's schema are read. {@code V1_V2_MIGRATION}: v2, else v1 migrated. */
  public enum Mode { STRICT, V1_V2_MIGRATION }

  /** When the store fails: {@code OPEN} serves the request without history, {@code CLOSED} answers 503. */
  public enum FailureMode { OPEN, CLOSED }
}
