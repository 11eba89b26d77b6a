package io.llmxds.cp.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.ratelimit.v3.RateLimitServiceConfig;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimitPerRoute;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;
import io.llmxds.common.GlobalRateLimits;
import io.llmxds.cp.policy.ContextPolicy.FailureMode;
import io.llmxds.cp.policy.ModelRoute;
import io.llmxds.cp.policy.PolicyBundle;
import java.util.List;
import java.util.Optional;

/**
 * Global limits: Envoy's ratelimit filter asks the data-path service's RateLimitService (the context service's
 * cluster, the one ext_proc and ext_authz use) before the router, and charges tokens when the stream is done.
 * {@code failure_mode_deny} is a filter-level field (RL6), so the gateway has one filter per failure mode its
 * limits use, by name, and each route's RateLimitPerRoute sits under the filter of its limit's mode (a route has at
 * most one RateLimit); a filter finds no per-route config on other routes and sends nothing (RL1). Over the limit,
 * the service's answer is the reply: its 429 JSON body and OpenAI's headers (RL7); the filter adds no headers of
 * its own ({@code x-envoy-ratelimited} off, no draft-03 headers). Failing closed answers 503 (RL6), which
 * {@link LocalReplies} gives a JSON body.
 */
final class GlobalRateLimitFeature implements HttpFilterFeature {

  static final int ERROR_STATUS = 503;

  private final FailureMode mode;

  GlobalRateLimitFeature(FailureMode mode) {
    this.mode = mode;
  }

  @Override
  public String name() {
    return mode == FailureMode.OPEN ? Names.GLOBAL_RATELIMIT_OPEN_FILTER : Names.GLOBAL_RATELIMIT_CLOSED_FILTER;
  }

  @Override
  public boolean present(PolicyBundle bundle) {
    return bundle.rateLimits().stream().anyMatch(this::ours);
  }

  private boolean ours(io.llmxds.cp.policy.RateLimit limit) {
    return limit.global().filter(g -> g.failureMode() == mode).isPresent();
  }

  @Override
  public HttpFilter hcmFilter(PolicyBundle bundle) {
    RateLimit filter = RateLimit.newBuilder()
        .setDomain(GlobalRateLimits.DOMAIN)
        .setStatPrefix("llm_xds_global_" + mode.wire())
        // A check is one small message to the same service as ext_authz's Check: the same bound.
        .setTimeout(ProtoValues.duration(bundle.gateway().extProc().messageTimeout()))
        .setFailureModeDeny(mode == FailureMode.CLOSED)
        .setRateLimitService(RateLimitServiceConfig.newBuilder()
            .setGrpcService(GrpcService.newBuilder()
                .setEnvoyGrpc(GrpcService.EnvoyGrpc.newBuilder().setClusterName(Names.CONTEXT_SERVICE_CLUSTER)))
            .setTransportApiVersion(ApiVersion.V3))
        .setRateLimitedStatus(HttpStatus.newBuilder().setCode(StatusCode.TooManyRequests))
        .setStatusOnError(HttpStatus.newBuilder().setCode(StatusCode.ServiceUnavailable))
        .setDisableXEnvoyRatelimitedHeader(true)
        .build();
    return HttpFilter.newBuilder().setName(name()).setTypedConfig(Any.pack(filter)).build();
  }

  @Override
  public Optional<Any> modelRouteConfig(BundleIndex index, ModelRoute route) {
    List<io.llmxds.cp.policy.RateLimit> limits = index.rateLimitsOf(route.name()).stream().filter(this::ours)
        .toList();
    return limits.stream().findFirst().map(limit -> Any.pack(RateLimitPerRoute.newBuilder()
        .addAllRateLimits(GlobalLimitActions.of(limit, route, index.bundle().authenticates()))
        .build()));
  }
}
