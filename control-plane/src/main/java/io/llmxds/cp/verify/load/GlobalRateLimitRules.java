package io.llmxds.cp.verify.load;

import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.route.v3.RateLimit;
import java.util.ArrayList;
import java.util.List;

/**
 * What the ratelimit filter's factory checks (ratelimit/config.cc), and what its per-route side silently ignores.
 * The proto rules ({@code domain} non-empty, {@code rate_limit_service} required) are EnvoyRules'.
 */
final class GlobalRateLimitRules {

  private GlobalRateLimitRules() {}

  /** The gRPC client speaks v3 only ({@code checkTransportVersion}, source/common/config/utility.h:155-169). */
  static final Each<io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit> TRANSPORT_VERSION =
      Each.rejects("source/extensions/filters/http/ratelimit/config.cc:34", GlobalRateLimitRules::configs,
          Each.reasonAt(Where.root().field("rate_limit_service").field("transport_api_version"), filter -> {
            ApiVersion version = filter.getRateLimitService().getTransportApiVersion();
            return version != ApiVersion.AUTO && version != ApiVersion.V3
                ? "V2 xDS transport protocol version is deprecated: use V3" : null;
          }));

  /**
   * llm-xds's rule: a Route's (or VirtualHost's) own {@code rate_limits} are built by the router, which never reads
   * {@code hits_addend} (router_ratelimit.cc:292-398): a token charge there would count 1 per request. Only a
   * RateLimitPerRoute's {@code rate_limits} read it (RateLimitConfigRules).
   */
  static final Each<RateLimit> ROUTE_HITS_ADDEND = Each.ignored("source/common/router/router_ratelimit.cc:292-398",
      GlobalRateLimitRules::routeEntries, Each.reasonAt(Where.root().field("hits_addend"), entry ->
          entry.hasHitsAddend() ? "a route's own rate_limits ignore hits_addend; put the entry in the ratelimit "
              + "filter's RateLimitPerRoute" : null));

  private static List<Located<io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit>> configs(
      LoadedConfig config) {
    return config.filterConfigs(io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit.class);
  }

  private static List<Located<RateLimit>> routeEntries(LoadedConfig config) {
    List<Located<RateLimit>> entries = new ArrayList<>();
    for (Located<io.envoyproxy.envoy.config.route.v3.Route> at : config.routes()) {
      List<RateLimit> limits = at.item().getRoute().getRateLimitsList();
      for (int i = 0; i < limits.size(); i++) {
        entries.add(new Located<>(at.resource(), at.where().field("route").item("rate_limits", i), limits.get(i)));
      }
    }
    return entries;
  }
}
