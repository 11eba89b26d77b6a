package io.llmxds.common;

/**
 * The contract between the control plane and the ext_proc context service: the gRPC initial metadata Envoy sends
 * when it opens an ext_proc stream (set per route by the control plane), and the dynamic-metadata namespace the
 * service writes token usage into. Documented in docs/translation.md and docs/context-protocol.md.
 */
public final class ContextPolicyMetadata {

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
  /**
   * Sent only by the upstream ext_proc filter of clusters that rewrite the model name (value {@link
   * #PHASE_UPSTREAM}): that stream carries the request as it leaves for the provider, with
   * {@code x-llm-upstream-model} set, and asks only for the body's {@code model} to be rewritten.
   */
  public static final String PHASE = "x-llm-phase";
  public static final String PHASE_UPSTREAM = "upstream";

  /** The dynamic-metadata namespace of token usage ({@code prompt_tokens}, {@code completion_tokens}, …). */
  public static final String USAGE_NAMESPACE = "io.llmxds.usage";

  private ContextPolicyMetadata() {}
}
