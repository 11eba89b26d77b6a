package io.llmxds.filters.extproc;

import io.grpc.Metadata;
import io.llmxds.filters.context.RequestPolicy;
import io.llmxds.filters.context.RequestPolicy.FailureMode;
import io.llmxds.filters.context.RequestPolicy.Mode;
import io.llmxds.filters.context.RequestPolicy.Schema;
import java.util.Locale;
import java.util.Optional;

/**
 * The gRPC initial metadata keys the control plane sets on each route's ext_proc stream, and how they become a
 * {@link StreamPolicy}. The keys repeat {@code io.llmxds.cp.translate.ContextPolicyMetadata} (filters does not
 * depend on the control plane); the contract is docs/translation.md "Context-policy metadata" and
 * docs/context-protocol.md "The per-request policy".
 */
public final class PolicyMetadata {

  public static final String ROUTE = "x-llm-route";
  public static final String POLICY = "x-llm-context-policy";
  public static final String POLICY_VERSION = "x-llm-context-policy-version";
  public static final String SCHEMA = "x-llm-context-schema";
  public static final String MODE = "x-llm-context-mode";
  public static final String MAX_TURNS = "x-llm-context-max-turns";
  public static final String MAX_CHARS = "x-llm-context-max-chars";
  public static final String STORE = "x-llm-context-store";
  public static final String FAILURE_MODE = "x-llm-context-failure-mode";
  public static final String SESSION_HEADER = "x-llm-context-session-header";
  public static final String USER_HEADER = "x-llm-context-user-header";
  public static final String PHASE = "x-llm-phase";
  public static final String PHASE_UPSTREAM = "upstream";

  /** The policy of streams whose metadata is missing or unreadable (documented in docs/context-protocol.md). */
  public static final RequestPolicy DEFAULT = new RequestPolicy("", "default", "builtin", Schema.V1, Mode.STRICT,
      20, 32000, "memory", FailureMode.OPEN, "x-session-id", "");

  private PolicyMetadata() {}

  public static StreamPolicy read(Metadata metadata) {
    boolean upstream = get(metadata, PHASE).filter(PHASE_UPSTREAM::equals).isPresent();
    Optional<String> route = get(metadata, ROUTE);
    if (route.isEmpty()) {
      return new StreamPolicy(upstream, Optional.of(DEFAULT), true);
    }
    if (get(metadata, POLICY).isEmpty()) {
      return new StreamPolicy(upstream, Optional.empty(), false);
    }
    try {
      return new StreamPolicy(upstream, Optional.of(policy(metadata, route.get())), false);
    } catch (IllegalArgumentException e) {
      return new StreamPolicy(upstream, Optional.of(DEFAULT), true);
    }
  }

  private static RequestPolicy policy(Metadata m, String route) {
    return new RequestPolicy(
        route,
        required(m, POLICY),
        required(m, POLICY_VERSION),
        Schema.valueOf(upper(required(m, SCHEMA))),
        Mode.valueOf(upper(required(m, MODE))),
        count(required(m, MAX_TURNS)),
        count(required(m, MAX_CHARS)),
        required(m, STORE),
        FailureMode.valueOf(upper(required(m, FAILURE_MODE))),
        required(m, SESSION_HEADER).toLowerCase(Locale.ROOT),
        get(m, USER_HEADER).orElse("").toLowerCase(Locale.ROOT));
  }

  private static int count(String value) {
    int n = Integer.parseInt(value);
    if (n < 0) {
      throw new IllegalArgumentException("negative");
    }
    return n;
  }

  private static String upper(String wire) {
    return wire.toUpperCase(Locale.ROOT);
  }

  private static String required(Metadata m, String key) {
    return get(m, key).orElseThrow(() -> new IllegalArgumentException(key));
  }

  private static Optional<String> get(Metadata m, String key) {
    return Optional.ofNullable(m.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER)))
        .map(String::trim)
        .filter(v -> !v.isEmpty());
  }
}
