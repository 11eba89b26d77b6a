package io.llmxds.cp.verify.load;

import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz;
import java.util.List;

/** What the ext_authz factory and its {@code FilterConfig} constructor check, and what they silently change. */
final class ExtAuthzRules {

  private ExtAuthzRules() {}

  /** The gRPC client speaks v3 only ({@code checkTransportVersion}, source/common/config/utility.h:155-169). */
  static final Each<ExtAuthz> TRANSPORT_VERSION = Each.rejects(
      "source/extensions/filters/http/ext_authz/config.cc:44-48", ExtAuthzRules::configs,
      Each.reasonAt(Where.root().field("transport_api_version"), authz -> !authz.hasHttpService()
          && authz.getTransportApiVersion() != ApiVersion.AUTO && authz.getTransportApiVersion() != ApiVersion.V3
          ? "V2 xDS transport protocol version is deprecated in ext_authz: use V3" : null));

  /** {@code allowed_headers} may be set once: on the filter, or in the HTTP service's authorization request. */
  static final Each<ExtAuthz> ALLOWED_HEADERS_ONCE = Each.rejects(
      "source/extensions/filters/http/ext_authz/ext_authz.cc:137-140", ExtAuthzRules::configs,
      Each.reasonAt(Where.root().field("allowed_headers"), authz -> authz.hasAllowedHeaders()
          && authz.getHttpService().getAuthorizationRequest().hasAllowedHeaders()
          ? "Invalid duplicate configuration for allowed_headers." : null));

  /**
   * llm-xds's rule: a {@code status_on_error} outside 100–511 is not rejected but becomes 403
   * ({@code toErrorCode}, ext_authz.h:210-216), which a client reads as "your key was refused".
   */
  static final Each<ExtAuthz> STATUS_ON_ERROR = Each.own(
      "source/extensions/filters/http/ext_authz/ext_authz.h:210-216", "answers 403 Forbidden instead",
      ExtAuthzRules::configs, Each.reasonAt(Where.root().field("status_on_error").field("code"), authz -> {
        int code = authz.getStatusOnError().getCodeValue();
        return authz.hasStatusOnError() && (code < 100 || code > 511)
            ? "status " + code + " is not an HTTP status Envoy knows (100-511)" : null;
      }));

  private static List<Located<ExtAuthz>> configs(LoadedConfig config) {
    return config.filterConfigs(ExtAuthz.class);
  }
}
