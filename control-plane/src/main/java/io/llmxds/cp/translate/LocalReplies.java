package io.llmxds.cp.translate;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLogFilter;
import io.envoyproxy.envoy.config.accesslog.v3.AndFilter;
import io.envoyproxy.envoy.config.accesslog.v3.ResponseFlagFilter;
import io.envoyproxy.envoy.config.accesslog.v3.ComparisonFilter;
import io.envoyproxy.envoy.config.accesslog.v3.StatusCodeFilter;
import io.envoyproxy.envoy.config.core.v3.RuntimeUInt32;
import io.envoyproxy.envoy.config.core.v3.SubstitutionFormatString;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.LocalReplyConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.ResponseMapper;
import io.llmxds.cp.policy.ContextPolicy;
import io.llmxds.cp.policy.Gateway;
import io.llmxds.cp.policy.PolicyBundle;

/**
 * Envoy's own error answers in the shape OpenAI SDKs parse ({@code {"error": {"message", "type", "code"}}}). A
 * request body larger than the Gateway's buffer, which Envoy answers itself with a plain-text 413 "Payload Too
 * Large" (filter_manager.cc:509-518) before the context service sees it. The body is a literal, not built from
 * {@code %LOCAL_REPLY_BODY%}: the context service's own 413 (a body over its limit) is JSON already, and the mapper
 * rewrites every 413 local reply, so both reach the client as the same JSON. With Consumers, the 503 ext_authz
 * sends when the authenticator cannot answer (docs/envoy-semantics.md I4). The first mapper that matches wins
 * (local_reply.cc:192-198); none matches ext_authz's own 401/403, which keep the service's JSON (I3).
 */
final class LocalReplies {

  static final String TOO_LARGE_CODE = "request_too_large";
  static final String AUTHENTICATION_UNAVAILABLE = "authentication_unavailable";
  /** ext_authz's status_on_error ({@link ExtAuthzFeature}). */
  static final int AUTHENTICATION_ERROR_STATUS = 503;
  /** The response flag ext_authz sets on its denials and errors (ext_authz.cc:784-785, 829-830). */
  static final String UNAUTHORIZED_EXTERNAL_SERVICE = "UAEX";
  static final String RATE_LIMIT_UNAVAILABLE = "rate_limit_unavailable";
  /** The response flag of a ratelimit filter that failed closed (ratelimit.cc:281, stream_info/utility.h:93). */
  static final String RATE_LIMIT_SERVICE_ERROR = "RLSE";

  private LocalReplies() {}

  static LocalReplyConfig config(PolicyBundle bundle) {
    Gateway gateway = bundle.gateway();
    String message = "request body exceeds the gateway's limit of " + gateway.requestBufferLimitBytes() + " bytes";
    LocalReplyConfig.Builder config = LocalReplyConfig.newBuilder()
        .addMappers(mapper(status(413), openAiError(message, "invalid_request_error", TOO_LARGE_CODE)));
    if (bundle.authenticates()) {
      // A 503 with UAEX is ext_authz failing closed; a router 503 has no UAEX, a denial is never a 503.
      AccessLogFilter authzError = flagged(AUTHENTICATION_ERROR_STATUS, UNAUTHORIZED_EXTERNAL_SERVICE);
      config.addMappers(mapper(authzError, openAiError("authentication is unavailable", AUTHENTICATION_UNAVAILABLE,
          AUTHENTICATION_UNAVAILABLE)));
    }
    if (bundle.rateLimits().stream().anyMatch(l -> l.global()
        .filter(g -> g.failureMode() == ContextPolicy.FailureMode.CLOSED).isPresent())) {
      // A fail-closed ratelimit filter whose service failed answers 503 with an empty body and RLSE (RL6); the
      // service's own 429s carry their JSON and no flag that a mapper matches, so they pass unchanged (RL7).
      config.addMappers(mapper(flagged(GlobalRateLimitFeature.ERROR_STATUS, RATE_LIMIT_SERVICE_ERROR),
          openAiError("rate limiting is unavailable", RATE_LIMIT_UNAVAILABLE, RATE_LIMIT_UNAVAILABLE)));
    }
    return config.build();
  }

  private static AccessLogFilter flagged(int code, String flag) {
    return AccessLogFilter.newBuilder()
        .setAndFilter(AndFilter.newBuilder()
            .addFilters(status(code))
            .addFilters(AccessLogFilter.newBuilder().setResponseFlagFilter(
                ResponseFlagFilter.newBuilder().addFlags(flag))))
        .build();
  }

  private static ResponseMapper mapper(AccessLogFilter filter, Struct body) {
    return ResponseMapper.newBuilder()
        .setFilter(filter)
        .setBodyFormatOverride(SubstitutionFormatString.newBuilder().setJsonFormat(body))
        .build();
  }

  private static AccessLogFilter status(int code) {
    return AccessLogFilter.newBuilder()
        .setStatusCodeFilter(StatusCodeFilter.newBuilder()
            .setComparison(ComparisonFilter.newBuilder()
                .setOp(ComparisonFilter.Op.EQ)
                // The runtime key is required by Envoy's proto; nothing sets it, so the default applies.
                .setValue(RuntimeUInt32.newBuilder().setDefaultValue(code).setRuntimeKey("llm_xds.local_reply." + code))))
        .build();
  }

  private static Struct openAiError(String message, String type, String code) {
    Struct error = Struct.newBuilder()
        .putFields("message", text(message))
        .putFields("type", text(type))
        .putFields("code", text(code))
        .build();
    return Struct.newBuilder().putFields("error", Value.newBuilder().setStructValue(error).build()).build();
  }

  private static Value text(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }
}
