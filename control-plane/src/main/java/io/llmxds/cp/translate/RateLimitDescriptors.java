package io.llmxds.cp.translate;

import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RateLimit.Action;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.LocalRateLimitDescriptor;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import io.llmxds.common.GatewayIdentity;
import io.llmxds.cp.policy.RateLimit;
import io.llmxds.cp.policy.RateLimit.Tier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The descriptor scheme of a RateLimit (docs/translation.md): the actions that turn a request into at most one
 * descriptor, and the descriptors with their token buckets. A descriptor entry with an empty value is a wildcard:
 * Envoy keeps one bucket per distinct value, i.e. per consumer. Both headers the actions read are set by the gateway
 * alone (the edge removes them from every client request, docs/envoy-semantics.md I1, and ext_authz sets them from
 * the authenticated consumer, I2); on an anonymous gateway neither is present and every request falls to the
 * route's default bucket.
 */
final class RateLimitDescriptors {

  static final String TIER_KEY = "tier";
  static final String CONSUMER_KEY = "consumer";

  /** A bucket that never runs out: an unlimited tier needs its own descriptor so it never falls to the default. */
  private static final TokenBucket UNLIMITED = bucket(Long.MAX_VALUE, Duration.ofSeconds(1));

  private RateLimitDescriptors() {}

  static TokenBucket bucket(RateLimit.Limit limit) {
    return bucket(limit.requests(), limit.per());
  }

  /** A local limit's rules are a request limit and nothing else (RateLimitSpec). */
  private static TokenBucket bucket(RateLimit.Rules rules) {
    return bucket(rules.requests().orElseThrow());
  }

  static List<io.envoyproxy.envoy.config.route.v3.RateLimit> actions(RateLimit limit) {
    List<io.envoyproxy.envoy.config.route.v3.RateLimit> rateLimits = new ArrayList<>();
    if (!tiered(limit)) {
      rateLimits.add(rateLimit(consumer()));
      return rateLimits;
    }
    for (Tier tier : sortedTiers(limit)) {
      Action tierMatch = tierMatch(tier.value(), true, exact(tier.value()));
      rateLimits.add(tier.unlimited() ? rateLimit(tierMatch) : rateLimit(tierMatch, consumer()));
    }
    rateLimits.add(rateLimit(tierMatch(RateLimit.DEFAULT_TIER, false, anyTier(limit)), consumer()));
    return rateLimits;
  }

  static List<LocalRateLimitDescriptor> descriptors(RateLimit limit) {
    List<LocalRateLimitDescriptor> descriptors = new ArrayList<>();
    if (!tiered(limit)) {
      descriptors.add(descriptor(bucket(limit.requestLimit()), entry(CONSUMER_KEY, "")));
      return descriptors;
    }
    for (Tier tier : sortedTiers(limit)) {
      descriptors.add(tier.limit()
          .map(l -> descriptor(bucket(l), entry(TIER_KEY, tier.value()), entry(CONSUMER_KEY, "")))
          .orElseGet(() -> descriptor(UNLIMITED, entry(TIER_KEY, tier.value()))));
    }
    descriptors.add(
        descriptor(bucket(limit.requestLimit()), entry(TIER_KEY, RateLimit.DEFAULT_TIER), entry(CONSUMER_KEY, "")));
    return descriptors;
  }

  private static boolean tiered(RateLimit limit) {
    return !limit.tiers().isEmpty();
  }

  private static List<Tier> sortedTiers(RateLimit limit) {
    return limit.tiers().stream().sorted(Comparator.comparing(Tier::value)).toList();
  }

  /** Requests without a consumer (anonymous) produce no descriptor and so share the route's default bucket. */
  private static Action consumer() {
    return Action.newBuilder()
        .setRequestHeaders(Action.RequestHeaders.newBuilder()
            .setHeaderName(GatewayIdentity.CONSUMER_HEADER)
            .setDescriptorKey(CONSUMER_KEY))
        .build();
  }

  private static Action tierMatch(String value, boolean expectMatch, StringMatcher matcher) {
    return Action.newBuilder()
        .setHeaderValueMatch(Action.HeaderValueMatch.newBuilder()
            .setDescriptorKey(TIER_KEY)
            .setDescriptorValue(value)
            .setExpectMatch(BoolValue.of(expectMatch))
            .addHeaders(HeaderMatcher.newBuilder().setName(GatewayIdentity.TIER_HEADER).setStringMatch(matcher)))
        .build();
  }

  private static StringMatcher exact(String value) {
    return StringMatcher.newBuilder().setExact(value).build();
  }

  /** Matches every listed tier, so that its negation catches a missing or unknown tier. */
  private static StringMatcher anyTier(RateLimit limit) {
    String alternatives = Re2.anyOf(sortedTiers(limit).stream().map(Tier::value).toList());
    return StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex(alternatives)).build();
  }

  private static io.envoyproxy.envoy.config.route.v3.RateLimit rateLimit(Action... actions) {
    return io.envoyproxy.envoy.config.route.v3.RateLimit.newBuilder().addAllActions(List.of(actions)).build();
  }

  private static RateLimitDescriptor.Entry entry(String key, String value) {
    return RateLimitDescriptor.Entry.newBuilder().setKey(key).setValue(value).build();
  }

  private static LocalRateLimitDescriptor descriptor(TokenBucket bucket, RateLimitDescriptor.Entry... entries) {
    return LocalRateLimitDescriptor.newBuilder().addAllEntries(List.of(entries)).setTokenBucket(bucket).build();
  }

  /** A full bucket of {@code requests} refilled every {@code per}. */
  private static TokenBucket bucket(long requests, Duration per) {
    int tokens = ProtoValues.uint32(requests);
    return TokenBucket.newBuilder()
        .setMaxTokens(tokens)
        .setTokensPerFill(UInt32Value.of(tokens))
        .setFillInterval(ProtoValues.duration(per))
        .build();
  }
}
