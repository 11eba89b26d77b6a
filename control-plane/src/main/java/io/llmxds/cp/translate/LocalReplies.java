package io.llmxds.cp.translate;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLogFilter;
import io.envoyproxy.envoy.config.accesslog.v3.ComparisonFilter;
import io.envoyproxy.envoy.config.accesslog.v3.StatusCodeFilter;
import io.envoyproxy.envoy.config.core.v3.RuntimeUInt32;
import io.envoyproxy.envoy.config.core.v3.SubstitutionFormatString;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.LocalReplyConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.ResponseMapper;
import io.llmxds.cp.policy.Gateway;

/**
 * Envoy's own error answers in the shape OpenAI SDKs parse ({@code {"error": {"message", "type", "code"}}}). Today one:
 * a request body larger than the Gateway's buffer, which Envoy answers itself with a plain-text 413 "Payload Too
 * Large" (filter_manager.cc:509-518) before the context service sees it. The body is a literal, not built from
 * {@code %LOCAL_REPLY_BODY%}: the context service's own 413 (a body over its limit) is JSON already, and the mapper
 * rewrites every 413 local reply, so both reach the client as the same JSON.
 */
final class LocalReplies {

  static final String TOO_LARGE_CODE = "request_too_large";

  private LocalReplies() {}

  static LocalReplyConfig config(Gateway gateway) {
    String message = "request body exceeds the gateway's limit of " + gateway.requestBufferLimitBytes() + " bytes";
    return LocalReplyConfig.newBuilder()
        .addMappers(ResponseMapper.newBuilder()
            .setFilter(status(413))
            .setBodyFormatOverride(SubstitutionFormatString.newBuilder()
                .setJsonFormat(openAiError(message, "invalid_request_error", TOO_LARGE_CODE))))
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
