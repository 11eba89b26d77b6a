package io.llmxds.filters.extproc;

import static io.llmxds.common.ContextPolicyMetadata.*;

import io.grpc.Metadata;
import io.llmxds.common.ContextPolicyMetadata;
import io.llmxds.filters.context.RequestPolicy;
import io.llmxds.filters.context.RequestPolicy.FailureMode;
import io.llmxds.filters.context.RequestPolicy.Mode;
import io.llmxds.filters.context.RequestPolicy.Schema;
import java.util.Locale;
import java.util.Optional;

/**
 * How the gRPC initial metadata the control plane sets on each route's ext_proc stream ({@link
 * ContextPolicyMetadata}, docs/context-protocol.md "The per-request policy") becomes a {@link StreamPolicy}.
 */
public final class PolicyMetadata {


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
