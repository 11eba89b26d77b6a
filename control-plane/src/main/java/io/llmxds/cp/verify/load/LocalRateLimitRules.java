package io.llmxds.cp.verify.load;

import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.LocalRateLimitDescriptor;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the local rate limit filter's {@code FilterConfig} and its {@code LocalRateLimiterImpl} check (its own
 * {@code rate_limits}: {@link RateLimitConfigRules}); built for the HttpConnectionManager's filter and for
 * every per-route config (with {@code per_route} true, local_ratelimit/config.cc:26-31).
 */
final class LocalRateLimitRules {

  private static final String FILTER = "source/extensions/filters/http/local_ratelimit/local_ratelimit.cc:";
  private static final String LIMITER = "source/extensions/filters/common/local_ratelimit/local_ratelimit_impl.cc:";
  private static final long MIN_FILL_MS = 50;

  /** A LocalRateLimit as Envoy builds it. */
  record Built(LocalRateLimit limit, boolean perRoute) {}

  private LocalRateLimitRules() {}

  static final Each<Built> PER_ROUTE_BUCKET = Each.rejects(FILTER + "73-75", LocalRateLimitRules::built,
      Each.reason(b -> b.perRoute() && !b.limit().hasTokenBucket()
          ? "local rate limit token bucket must be set for per filter configs" : null));

  /** A default bucket's fill interval of 0 means no default bucket (lines 102-104). */
  static final Each<Built> DEFAULT_FILL_INTERVAL = Each.rejects(LIMITER + "104-107", LocalRateLimitRules::built,
      Each.reasonAt(Where.root().field("token_bucket").field("fill_interval"), b -> {
        long ms = Durations.toMillis(b.limit().getTokenBucket().getFillInterval());
        return ms > 0 && ms < MIN_FILL_MS ? "local rate limit token bucket fill timer must be >= 50ms" : null;
      }));

  static final Each<Built> DESCRIPTOR_FILL_INTERVAL = Each.rejects(LIMITER + "131-133", LocalRateLimitRules::built,
      (b, report) -> {
        List<LocalRateLimitDescriptor> descriptors = b.limit().getDescriptorsList();
        for (int i = 0; i < descriptors.size(); i++) {
          if (Durations.toMillis(descriptors.get(i).getTokenBucket().getFillInterval()) < MIN_FILL_MS) {
            report.at(Where.root().item("descriptors", i).field("token_bucket").field("fill_interval"),
                "local rate limit descriptor token bucket fill timer must be >= 50ms");
          }
        }
      });

  /** Static descriptors (lines 146-151) and wildcard ones (lines 261-267) are each kept in a map by their entries. */
  static final Each<Built> DUPLICATE_DESCRIPTOR = Each.rejects(LIMITER + "146-151", LocalRateLimitRules::built,
      (b, report) -> {
        List<LocalRateLimitDescriptor> descriptors = b.limit().getDescriptorsList();
        Set<List<RateLimitDescriptor.Entry>> seen = new HashSet<>();
        for (int i = 0; i < descriptors.size(); i++) {
          List<RateLimitDescriptor.Entry> entries = descriptors.get(i).getEntriesList();
          if (!seen.add(entries)) {
            report.at(Where.root().item("descriptors", i), "duplicate descriptor in the local rate descriptor: "
                + entries.stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
          }
        }
      });

  /** Every LocalRateLimit Envoy builds: the HttpConnectionManagers' filters, then the per-route configs. */
  static List<Located<Built>> built(LoadedConfig config) {
    return config.memo(Built.class, () -> {
      List<Located<Built>> built = new ArrayList<>();
      config.filterConfigs(LocalRateLimit.class).stream().filter(at -> at.resource() instanceof Listener)
          .forEach(at -> built.add(new Located<>(at.resource(), at.where(), new Built(at.item(), false))));
      for (Located<LoadedConfig.PerFilterConfig> entry : config.perFilterConfigs()) {
        config.unpack(entry.item().config(), LocalRateLimit.class).ifPresent(limit -> built.add(new Located<>(
            entry.resource(), entry.where().unpacked(LocalRateLimit.getDescriptor()), new Built(limit, true))));
      }
      return built;
    });
  }
}
