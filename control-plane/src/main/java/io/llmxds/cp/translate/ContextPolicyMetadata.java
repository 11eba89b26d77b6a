package io.llmxds.cp.translate;

import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.llmxds.cp.policy.ContextPolicy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The gRPC initial metadata Envoy sends when it opens an ext_proc stream for a route: the route's name and the
 * context policy that applies to it. This is the contract with the ext_proc context service (docs/translation.md).
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

  private ContextPolicyMetadata() {}

  static List<HeaderValue> headers(String route, Optional<ContextPolicy> policy) {
    List<HeaderValue> headers = new ArrayList<>();
    headers.add(ProtoValues.header(ROUTE, route));
    policy.ifPresent(p -> {
      headers.add(ProtoValues.header(POLICY, p.name()));
      headers.add(ProtoValues.header(POLICY_VERSION, version(p)));
      headers.add(ProtoValues.header(SCHEMA, p.schema().wire()));
      headers.add(ProtoValues.header(MODE, p.mode().wire()));
      headers.add(ProtoValues.header(MAX_TURNS, Integer.toString(p.maxTurns())));
      headers.add(ProtoValues.header(MAX_CHARS, Integer.toString(p.maxInjectedChars())));
      headers.add(ProtoValues.header(STORE, p.store()));
      headers.add(ProtoValues.header(FAILURE_MODE, p.failureMode().wire()));
      headers.add(ProtoValues.header(SESSION_HEADER, p.sessionHeader()));
      if (!p.userHeader().isEmpty()) {
        headers.add(ProtoValues.header(USER_HEADER, p.userHeader()));
      }
    });
    return headers;
  }

  /**
   * A hash of this policy alone (not of the whole bundle), so that editing a provider does not change the metadata
   * of every route; 16 hex characters of SHA-256 over the record's canonical form.
   */
  public static String version(ContextPolicy policy) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(policy.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
