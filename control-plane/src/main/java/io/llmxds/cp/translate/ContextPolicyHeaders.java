package io.llmxds.cp.translate;

import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.llmxds.common.ContextPolicyMetadata;
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
 * context policy that applies to it. The keys are the contract with the ext_proc context service
 * ({@link ContextPolicyMetadata}, docs/translation.md).
 */
public final class ContextPolicyHeaders {


  private ContextPolicyHeaders() {}

  static List<HeaderValue> headers(String route, Optional<ContextPolicy> policy) {
    List<HeaderValue> headers = new ArrayList<>();
    headers.add(ProtoValues.header(ContextPolicyMetadata.ROUTE, route));
    policy.ifPresent(p -> {
      headers.add(ProtoValues.header(ContextPolicyMetadata.POLICY, p.name()));
      headers.add(ProtoValues.header(ContextPolicyMetadata.POLICY_VERSION, version(p)));
      headers.add(ProtoValues.header(ContextPolicyMetadata.SCHEMA, p.schema().wire()));
      headers.add(ProtoValues.header(ContextPolicyMetadata.MODE, p.mode().wire()));
      headers.add(ProtoValues.header(ContextPolicyMetadata.MAX_TURNS, Integer.toString(p.maxTurns())));
      headers.add(ProtoValues.header(ContextPolicyMetadata.MAX_CHARS, Integer.toString(p.maxInjectedChars())));
      headers.add(ProtoValues.header(ContextPolicyMetadata.STORE, p.store()));
      headers.add(ProtoValues.header(ContextPolicyMetadata.FAILURE_MODE, p.failureMode().wire()));
      headers.add(ProtoValues.header(ContextPolicyMetadata.SESSION_HEADER, p.sessionHeader()));
      if (!p.userHeader().isEmpty()) {
        headers.add(ProtoValues.header(ContextPolicyMetadata.USER_HEADER, p.userHeader()));
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
