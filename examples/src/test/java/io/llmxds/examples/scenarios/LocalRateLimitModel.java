package io.llmxds.examples.scenarios;

import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RateLimit;
import io.envoyproxy.envoy.config.route.v3.RateLimit.Action;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.LocalRateLimitDescriptor;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Envoy's local_ratelimit for one route object (docs/envoy-semantics.md L1–L7): built from the route's per-route
 * config when a RouteConfiguration is built, so its buckets live exactly as long as that route object. Each request
 * yields descriptors from the config's {@code rate_limits} actions; each descriptor takes an exact configured
 * descriptor's bucket or, for a wildcard one, a bucket of its own in an LRU of {@code max_dynamic_descriptors}; the
 * default bucket pays when no descriptor matched (or always, if so configured). Buckets start full and refill
 * continuously. Only what the translation emits is modelled; anything else fails loudly.
 */
final class LocalRateLimitModel {

  /** What the filter decided, and the {@code x-ratelimit-*} headers it adds (DRAFT_VERSION_03). */
  record Decision(boolean allowed, Map<String, String> headers) {}

  private final LocalRateLimit config;
  private final LongSupplier nanos;
  private final Bucket defaultBucket;
  private final Map<LocalRateLimitDescriptor, Bucket> exact = new LinkedHashMap<>();
  private final LinkedHashMap<List<RateLimitDescriptor.Entry>, Bucket> dynamic;

  LocalRateLimitModel(LocalRateLimit config, LongSupplier nanos) {
    if (!config.hasTokenBucket()) {
      throw new AssertionError("local rate limit token bucket must be set for per filter configs (L2)");
    }
    this.config = config;
    this.nanos = nanos;
    this.defaultBucket = new Bucket(config.getTokenBucket());
    int capacity = config.hasMaxDynamicDescriptors() ? config.getMaxDynamicDescriptors().getValue() : 20;
    this.dynamic = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<List<RateLimitDescriptor.Entry>, Bucket> eldest) {
        return size() > capacity;
      }
    };
  }

  Decision decide(Map<String, String> headers) {
    if (!always(config.getFilterEnabled().getDefaultValue())) {
      return new Decision(true, Map.of());
    }
    List<Bucket> matched = new ArrayList<>();
    for (List<RateLimitDescriptor.Entry> descriptor : descriptors(headers)) {
      bucketFor(descriptor).ifPresent(matched::add);
    }
    boolean consumeDefault = matched.isEmpty()
        || !config.hasAlwaysConsumeDefaultTokenBucket() || config.getAlwaysConsumeDefaultTokenBucket().getValue();
    List<Bucket> paying = new ArrayList<>(matched);
    if (consumeDefault) {
      paying.add(defaultBucket);
    }
    Bucket reported = paying.get(0);
    boolean allowed = true;
    for (Bucket bucket : paying) {
      if (!bucket.take()) {
        allowed = false;
        reported = bucket;
        break;
      }
    }
    if (!allowed && !always(config.getFilterEnforced().getDefaultValue())) {
      allowed = true;
    }
    Map<String, String> limitHeaders = new LinkedHashMap<>();
    if (config.getEnableXRatelimitHeadersValue() != 0) {
      limitHeaders.put("x-ratelimit-limit", Long.toString(reported.max));
      limitHeaders.put("x-ratelimit-remaining", Long.toString((long) Math.floor(reported.tokens)));
    }
    return new Decision(allowed, limitHeaders);
  }

  /** Each {@code rate_limits} entry's actions in order; an action that yields nothing drops the descriptor (L3). */
  private List<List<RateLimitDescriptor.Entry>> descriptors(Map<String, String> headers) {
    List<List<RateLimitDescriptor.Entry>> descriptors = new ArrayList<>();
    for (RateLimit rateLimit : config.getRateLimitsList()) {
      if (rateLimit.getApplyOnStreamDone() || rateLimit.hasHitsAddend()) {
        throw new AssertionError("apply_on_stream_done and hits_addend are not modelled (L3)");
      }
      List<RateLimitDescriptor.Entry> entries = new ArrayList<>();
      for (Action action : rateLimit.getActionsList()) {
        Optional<RateLimitDescriptor.Entry> entry = entry(action, headers);
        if (entry.isEmpty()) {
          entries = null;
          break;
        }
        entries.add(entry.get());
      }
      if (entries != null && !entries.isEmpty()) {
        descriptors.add(entries);
      }
    }
    return descriptors;
  }

  private static Optional<RateLimitDescriptor.Entry> entry(Action action, Map<String, String> headers) {
    switch (action.getActionSpecifierCase()) {
      case REQUEST_HEADERS -> {
        String value = headers.get(action.getRequestHeaders().getHeaderName().toLowerCase(java.util.Locale.ROOT));
        if (value == null) {
          return Optional.empty();
        }
        return Optional.of(entry(action.getRequestHeaders().getDescriptorKey(), value));
      }
      case HEADER_VALUE_MATCH -> {
        Action.HeaderValueMatch match = action.getHeaderValueMatch();
        boolean matched = match.getHeadersList().stream().allMatch(h -> matches(h, headers));
        boolean expected = !match.hasExpectMatch() || match.getExpectMatch().getValue();
        return matched == expected
            ? Optional.of(entry(match.getDescriptorKey(), match.getDescriptorValue()))
            : Optional.empty();
      }
      default -> throw new AssertionError("rate-limit action not modelled: " + action);
    }
  }

  private static boolean matches(HeaderMatcher matcher, Map<String, String> headers) {
    String value = headers.get(matcher.getName().toLowerCase(java.util.Locale.ROOT));
    return value != null && RouteMatcher.matches(matcher.getStringMatch(), value);
  }

  /** L4: an exact configured descriptor first, else the first wildcard one, with a bucket per distinct value. */
  private Optional<Bucket> bucketFor(List<RateLimitDescriptor.Entry> request) {
    for (LocalRateLimitDescriptor configured : config.getDescriptorsList()) {
      if (configured.getEntriesList().equals(request)) {
        return Optional.of(exact.computeIfAbsent(configured, c -> new Bucket(c.getTokenBucket())));
      }
    }
    for (LocalRateLimitDescriptor configured : config.getDescriptorsList()) {
      if (wildcardMatches(configured.getEntriesList(), request)) {
        return Optional.of(dynamic.computeIfAbsent(request, r -> new Bucket(configured.getTokenBucket())));
      }
    }
    return Optional.empty();
  }

  private static boolean wildcardMatches(List<RateLimitDescriptor.Entry> configured, List<RateLimitDescriptor.Entry> request) {
    if (configured.size() != request.size()) {
      return false;
    }
    for (int i = 0; i < configured.size(); i++) {
      RateLimitDescriptor.Entry c = configured.get(i);
      RateLimitDescriptor.Entry r = request.get(i);
      if (!c.getKey().equals(r.getKey()) || (!c.getValue().isEmpty() && !c.getValue().equals(r.getValue()))) {
        return false;
      }
    }
    return configured.stream().anyMatch(e -> e.getValue().isEmpty());
  }

  private static RateLimitDescriptor.Entry entry(String key, String value) {
    return RateLimitDescriptor.Entry.newBuilder().setKey(key).setValue(value).build();
  }

  /** 100 %, or 0 % (nothing): the translation emits only these; runtime overrides are not modelled. */
  private static boolean always(FractionalPercent percent) {
    if (percent.getDenominator() != FractionalPercent.DenominatorType.HUNDRED
        || (percent.getNumerator() != 0 && percent.getNumerator() != 100)) {
      throw new AssertionError("only 0% and 100% are modelled: " + percent);
    }
    return percent.getNumerator() == 100;
  }

  /** L5: starts full, refills continuously at tokens_per_fill per fill_interval, capped at max_tokens. */
  private final class Bucket {
    final long max;
    final double perNano;
    double tokens;
    long at;

    Bucket(TokenBucket bucket) {
      Duration interval = Duration.ofSeconds(bucket.getFillInterval().getSeconds(), bucket.getFillInterval().getNanos());
      this.max = Integer.toUnsignedLong(bucket.getMaxTokens());
      long perFill = bucket.hasTokensPerFill() ? Integer.toUnsignedLong(bucket.getTokensPerFill().getValue()) : 1;
      this.perNano = perFill / (double) interval.toNanos();
      this.tokens = max;
      this.at = nanos.getAsLong();
    }

    boolean take() {
      long now = nanos.getAsLong();
      tokens = Math.min(max, tokens + (now - at) * perNano);
      at = now;
      if (tokens < 1) {
        return false;
      }
      tokens -= 1;
      return true;
    }
  }
}
