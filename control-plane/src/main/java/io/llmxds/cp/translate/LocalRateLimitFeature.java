package io.llmxds.cp.translate;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.XRateLimitHeadersRFCVersion;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.llmxds.cp.policy.ModelRoute;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.RateLimit;
import java.util.List;
import java.util.Optional;

/**
 * Per-consumer request limits, enforced by each Envoy on its own (no rate-limit service). The listener-level filter
 * is inert (its enabled/enforced fractions default to 0%); each rate-limited route carries the complete limit.
 */
final class LocalRateLimitFeature implements HttpFilterFeature {

  /** Distinct consumers remembered per wildcard descriptor (an LRU; Envoy's default is 20). */
  static final int MAX_CLIENT_KEYS = 10_000;

  private static final String STAT_PREFIX = "llm_ratelimit";

  @Override
  public String name() {
    return Names.LOCAL_RATELIMIT_FILTER;
  }

  @Override
  public HttpFilter hcmFilter(PolicyBundle bundle) {
    LocalRateLimit inert = LocalRateLimit.newBuilder().setStatPrefix(STAT_PREFIX).build();
    return HttpFilter.newBuilder().setName(name()).setTypedConfig(Any.pack(inert)).build();
  }

  @Override
  public Optional<Any> modelRouteConfig(BundleIndex index, ModelRoute route) {
    List<RateLimit> limits = index.rateLimitsOf(route.name()).stream().filter(l -> !l.isGlobal()).toList();
    if (limits.size() > 1) {
      // A route has one default bucket; merging two limits' buckets would silently change both.
      throw new IllegalArgumentException("ModelRoute " + route.name() + " is named by more than one RateLimit: "
          + limits.stream().map(RateLimit::name).toList());
    }
    return limits.stream().findFirst().map(limit -> Any.pack(localRateLimit(limit)));
  }

  private static LocalRateLimit localRateLimit(RateLimit limit) {
    String runtimePrefix = "llm_xds.ratelimit." + limit.name();
    return LocalRateLimit.newBuilder()
        .setStatPrefix(STAT_PREFIX + "_" + limit.name())
        .setTokenBucket(RateLimitDescriptors.bucket(limit.requestLimit()))
        .setFilterEnabled(always(runtimePrefix + ".enabled"))
        .setFilterEnforced(always(runtimePrefix + ".enforced"))
        // Otherwise every request would also drain the shared default bucket, even one with its own descriptor.
        .setAlwaysConsumeDefaultTokenBucket(BoolValue.of(false))
        .setEnableXRatelimitHeaders(XRateLimitHeadersRFCVersion.DRAFT_VERSION_03)
        .addAllRateLimits(RateLimitDescriptors.actions(limit))
        .addAllDescriptors(RateLimitDescriptors.descriptors(limit))
        .setMaxDynamicDescriptors(UInt32Value.of(MAX_CLIENT_KEYS))
        .build();
  }

  /** 100%, unless the runtime key says otherwise (an operator's switch to turn one limit off or to shadow mode). */
  private static RuntimeFractionalPercent always(String runtimeKey) {
    return RuntimeFractionalPercent.newBuilder()
        .setDefaultValue(FractionalPercent.newBuilder()
            .setNumerator(100)
            .setDenominator(FractionalPercent.DenominatorType.HUNDRED))
        .setRuntimeKey(runtimeKey)
        .build();
  }
}
