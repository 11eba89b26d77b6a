package io.llmxds.filters.testing;

import io.llmxds.filters.context.RequestPolicy;
import io.llmxds.filters.context.RequestPolicy.FailureMode;
import io.llmxds.filters.context.RequestPolicy.Mode;
import io.llmxds.filters.context.RequestPolicy.Schema;

/** Request policies for tests: only what a test varies is a parameter. */
public final class TestPolicies {

  private TestPolicies() {}

  public static RequestPolicy policy(String store, Schema schema, Mode mode, int maxTurns) {
    return new RequestPolicy(
        "chat", "chat-context", schema == Schema.V1 ? "1" : "2", schema, mode, maxTurns, 100_000, store,
        FailureMode.OPEN, "x-session-id", "x-user-id");
  }
}
