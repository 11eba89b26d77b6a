package io.llmxds.cp.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.matcher.v3.ListStringMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;
import io.llmxds.common.GatewayIdentity;
import io.llmxds.cp.policy.PolicyBundle;

/**
 * Authentication of every request by its API key (docs/translation.md "Identity"): the data-path service answers
 * ext_authz {@code Check} on the context service's port, from the consumer table of its own xDS flavor. On OK it
 * sets the consumer and tier headers and removes the key headers, so the client's key never goes upstream
 * (envoy-semantics.md I2); a denial is its own 401/403 JSON (I3); when it cannot answer, the request is refused with
 * a 503 whatever the Gateway's failOpen says (I4). Only a gateway with Consumers has the filter.
 */
final class ExtAuthzFeature implements HttpFilterFeature {

  @Override
  public String name() {
    return Names.EXT_AUTHZ_FILTER;
  }

  @Override
  public boolean present(PolicyBundle bundle) {
    return bundle.authenticates();
  }

  @Override
  public HttpFilter hcmFilter(PolicyBundle bundle) {
    ListStringMatcher.Builder keyHeaders = ListStringMatcher.newBuilder();
    GatewayIdentity.KEY_HEADERS.forEach(h -> keyHeaders.addPatterns(StringMatcher.newBuilder().setExact(h)));
    ExtAuthz authz = ExtAuthz.newBuilder()
        // The same service and port as ext_proc; a Check is one message, bounded by the ext_proc message timeout.
        .setGrpcService(GrpcService.newBuilder()
            .setEnvoyGrpc(GrpcService.EnvoyGrpc.newBuilder().setClusterName(Names.CONTEXT_SERVICE_CLUSTER))
            .setTimeout(ProtoValues.duration(bundle.gateway().extProc().messageTimeout())))
        .setTransportApiVersion(ApiVersion.V3)
        // Fail closed: an unknown client must never reach a provider on the operator's keys (I4).
        .setFailureModeAllow(false)
        .setStatusOnError(HttpStatus.newBuilder().setCode(StatusCode.ServiceUnavailable))
        // The route was picked on the client's headers; the answer sets identity headers (ext_authz.cc:501-511).
        .setClearRouteCache(true)
        // Only the key headers reach the service: no body, no other header (ext_authz.cc:147-149).
        .setAllowedHeaders(keyHeaders)
        .build();
    return HttpFilter.newBuilder().setName(name()).setTypedConfig(Any.pack(authz)).build();
  }
}
