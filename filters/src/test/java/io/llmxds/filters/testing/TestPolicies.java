package io.llmxds.filters.testing;

import io.llmxds.common.ContextPolicyMetadata;
import io.llmxds.filters.context.RequestPolicy;
import io.llmxds.filters.context.RequestPolicy.FailureMode;
import io.llmxds.filters.context.RequestPolicy.Mode;
import io.llmxds.filters.context.RequestPolicy.Schema;
import io.llmxds.filters.extproc.FakeEnvoy;
import java.util.Map;

/** Request policies for tests: only what a test varies is a parameter. */
public final class TestPolicies {

  private TestPolicies() {}

  public static RequestPolicy policy(String store, Schema schema, Mode mode, int maxTurns) {
    return new RequestPolicy(
        "chat", "chat-context", schema == Schema.V1 ? "1" : "2", schema, mode, maxTurns, 100_000, store,
        FailureMode.OPEN, "x-session-id", "x-user-id");
  }

  /**
   * The ext_proc metadata the control plane sends for the chat route of {@code examples/policies}: what a test puts
   * on a stream to be served like that route ({@code FakeEnvoy}'s metadata).
   */
  public static Map<String, String> exampleRouteMetadata() {
    return FakeEnvoy.headers(
        ContextPolicyMetadata.ROUTE, "chat",
        ContextPolicyMetadata.POLICY, "default",
        ContextPolicyMetadata.POLICY_VERSION, "3ded98bfe5f9be5d",
        ContextPolicyMetadata.SCHEMA, "v1",
        ContextPolicyMetadata.MODE, "strict",
        ContextPolicyMetadata.MAX_TURNS, "20",
        ContextPolicyMetadata.MAX_CHARS, "32000",
        ContextPolicyMetadata.STORE, "memory",
        ContextPolicyMetadata.FAILURE_MODE, "open",
        ContextPolicyMetadata.SESSION_HEADER, "x-session-id",
        ContextPolicyMetadata.USER_HEADER, "x-user-id");
  }
}
