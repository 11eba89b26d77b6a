package io.llmxds.filters.testing;

import io.llmxds.filters.context.RequestPolicy;
import io.llmxds.filters.context.RequestPolicy.FailureMode;
import io.llmxds.filters.context.RequestPolicy.MigrationSource;
import io.llmxds.filters.context.RequestPolicy.Schema;
import java.util.Optional;

/** Request policies for tests: only what a test varies is a parameter. */
public final class TestPolicies {

  private TestPolicies() {}

  /** A policy that reads and writes {@code schema} records in {@code store}, and migrates nothing. */
  public static RequestPolicy policy(String store, Schema schema, int maxTurns) {
    return policy(store, schema, Optional.empty(), maxTurns);
  }

  /** A v2 policy on {@code store} that migrates the store's own v1 records ({@code v1_v2_migration}). */
  public static RequestPolicy migrating(String store, int maxTurns) {
    return migrating(store, new MigrationSource(store, Schema.V1), maxTurns);
  }

  /** A v2 policy on {@code store} that migrates the records of {@code from}. */
  public static RequestPolicy migrating(String store, MigrationSource from, int maxTurns) {
    return policy(store, Schema.V2, Optional.of(from), maxTurns);
  }

  private static RequestPolicy policy(String store, Schema schema, Optional<MigrationSource> from, int maxTurns) {
    return new RequestPolicy("test-config", "chat", "chat-context", schema == Schema.V1 ? "1" : "2", schema, maxTurns, 100_000,
        store, from, FailureMode.OPEN, "x-session-id", "x-user-id");
  }

  /** The context policy of the chat route of {@code examples/policies}, as its data-path route carries it. */
  public static TestDataPath.Policy examplePolicy() {
    return TestDataPath.Policy.of("default", "memory").withVersion("3ded98bfe5f9be5d")
        .withHeaders("x-session-id", Optional.of("x-user-id"));
  }
}
