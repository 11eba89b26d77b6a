package io.llmxds.filters.config;

import io.llmxds.common.DataPathConfig;
import io.llmxds.filters.context.RequestPolicy;
import io.llmxds.filters.context.RequestPolicy.FailureMode;
import io.llmxds.filters.context.RequestPolicy.Schema;
import io.llmxds.filters.store.ContextStore;
import io.llmxds.filters.store.StoreSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the service runs before any data-path config is applied (docs/data-path-config.md): every chat request under
 * the policy {@code default} on the built-in {@code memory} store.
 */
public final class BuiltInDefault {
  /** The config a snapshot names when it is this one ({@code GET /healthz}). */
  public static final String CONFIG = "built-in default";

  public static final RequestPolicy POLICY = new RequestPolicy(CONFIG, "default", "default", "builtin", Schema.V1, 20,
      32000, DataPathConfig.BUILT_IN_MEMORY_STORE, Optional.empty(), FailureMode.OPEN, "x-session-id", "");

  private BuiltInDefault() {}

  /**
   * The spec of a {@code memory} store named {@code name}: only its name tells two apart (it has no address, TLS or
   * timeouts), so the built-in store and a config's {@code context-store/memory} are the same store, and sessions
   * begun before the first config keep their history in it.
   */
  static StoreSpec memorySpec(String name) {
    return new StoreSpec(name, StoreSpec.Type.MEMORY, List.of(), 0, Optional.empty(), Optional.empty(),
        Optional.empty(), Duration.ZERO, Duration.ZERO, 0);
  }

  static StoreSpec memorySpec() {
    return memorySpec(DataPathConfig.BUILT_IN_MEMORY_STORE);
  }

  static DataPathSnapshot snapshot(long maxBodyBytes, ContextStore memory) {
    return new DataPathSnapshot(CONFIG, maxBodyBytes,
        List.of(new TableRoute(POLICY.route(), ModelMatcher.EVERY_REQUEST, Optional.of(POLICY))),
        Map.of(DataPathConfig.BUILT_IN_MEMORY_STORE, memory));
  }
}
