package io.llmxds.cp.verify.load;

import io.envoyproxy.envoy.config.route.v3.RateLimit;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimitPerRoute;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@code RateLimitConfig} checks when it builds its {@code RateLimitPolicy}s (ratelimit_config.cc): the
 * {@code rate_limits} of a LocalRateLimit (filter or per-route) and of the ratelimit filter's RateLimitPerRoute
 * (ratelimit.h:151-159), both built with {@code no_limit} true. A route's own {@code rate_limits} are built by the
 * router instead (router_ratelimit.cc), which accepts all of this.
 */
final class RateLimitConfigRules {

  private static final String POLICY = "source/extensions/filters/common/ratelimit_config/ratelimit_config.cc:";

  private RateLimitConfigRules() {}

  /**
   * Either a number or a format with exactly one substitution (a format that does not parse is
   * {@link FormatStrings#PARSE}'s finding).
   */
  static final Each<RateLimit> HITS_ADDEND = Each.rejects(POLICY + "19-43", RateLimitConfigRules::entries,
      Each.reason(entry -> {
        if (!entry.hasHitsAddend()) {
          return null;
        }
        RateLimit.HitsAddend hits = entry.getHitsAddend();
        if (hits.getFormat().isEmpty() != hits.hasNumber()) {
          return "hits_addend must contain either a format or a number";
        }
        SubstitutionFormat.Parsed parsed = hits.hasNumber() ? null : SubstitutionFormat.parse(hits.getFormat());
        return parsed == null || !parsed.ok() || parsed.providers() == 1 ? null
            : "hits_addend format must contain exactly one substitution";
      }));

  static final Each<RateLimit> STAGE_AND_DISABLE_KEY = Each.rejects(POLICY + "46-50", RateLimitConfigRules::entries,
      Each.reason(entry -> entry.hasStage() || !entry.getDisableKey().isEmpty()
          ? "'stage' field and 'disable_key' field are not supported" : null));

  /** The local rate limit builds its policies with {@code no_limit} true (ratelimit_config.h:24). */
  static final Each<RateLimit> LIMIT = Each.rejects(POLICY + "52-57", RateLimitConfigRules::entries,
      Each.reason(entry -> entry.hasLimit() ? "'limit' field is not supported" : null));

  /** The per-route form knows fewer actions than the route's own: no {@code dynamic_metadata} (use metadata). */
  static final Each<RateLimit> ACTION_SUPPORTED = Each.rejects(POLICY + "59-130", RateLimitConfigRules::entries,
      (entry, report) -> {
        for (int i = 0; i < entry.getActionsCount(); i++) {
          RateLimit.Action.ActionSpecifierCase kind = entry.getActions(i).getActionSpecifierCase();
          if (kind == RateLimit.Action.ActionSpecifierCase.DYNAMIC_METADATA) {
            report.at(Where.root().item("actions", i), "Unsupported rate limit action: " + kind.getNumber());
          }
        }
      });

  /** The entries of every LocalRateLimit's and every RateLimitPerRoute's own {@code rate_limits}. */
  static List<Located<RateLimit>> entries(LoadedConfig config) {
    return config.memo(RateLimit.class, () -> {
      List<Located<RateLimit>> entries = new ArrayList<>();
      for (Located<LocalRateLimitRules.Built> at : LocalRateLimitRules.built(config)) {
        add(entries, at.resource(), at.where(), at.item().limit().getRateLimitsList());
      }
      for (Located<LoadedConfig.PerFilterConfig> entry : config.perFilterConfigs()) {
        config.unpack(entry.item().config(), RateLimitPerRoute.class).ifPresent(perRoute -> add(entries,
            entry.resource(), entry.where().unpacked(RateLimitPerRoute.getDescriptor()), perRoute.getRateLimitsList()));
      }
      return entries;
    });
  }

  private static void add(List<Located<RateLimit>> entries, com.google.protobuf.Message resource, Where where,
      List<RateLimit> limits) {
    for (int i = 0; i < limits.size(); i++) {
      entries.add(new Located<>(resource, where.item("rate_limits", i), limits.get(i)));
    }
  }
}
