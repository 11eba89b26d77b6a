package io.llmxds.cp.translate;

import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.llmxds.common.ContextPolicyMetadata;
import io.llmxds.cp.policy.ContextPolicy;
import java.util.ArrayList;
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

  /** The policy's own content version (not the bundle's: editing a provider does not change it). */
  public static String version(ContextPolicy policy) {
    return ContextPolicyVersion.of(policy);
  }
}
