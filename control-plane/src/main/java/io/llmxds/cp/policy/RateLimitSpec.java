package io.llmxds.cp.policy;

import io.llmxds.common.GatewayIdentity;
import io.llmxds.cp.policy.Durations.Rule;
import io.llmxds.cp.policy.MappingReader.Entry;
import io.llmxds.cp.policy.MappingReader.Item;
import io.llmxds.cp.policy.RateLimit.Limit;
import io.llmxds.cp.policy.RateLimit.Tier;
import io.llmxds.cp.policy.YamlNode.Scalar;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Reads a RateLimit's spec. */
final class RateLimitSpec {

  /** What a policy that still keys or tiers limits on a client header is told. */
  static final String KEYED_ON_CONSUMER = "was removed: limits are keyed on the authenticated consumer ("
      + GatewayIdentity.CONSUMER_HEADER + ") and tiered by its tier (Consumer spec.tier)";
  static final FieldSet FIELDS = FieldSet.of("modelRoutes", "limit", "tiers")
      .withRemoved("keyHeader", KEYED_ON_CONSUMER);
  private static final FieldSet LIMIT = FieldSet.of("requests", "per");
  private static final FieldSet TIERS = FieldSet.of("limits").withRemoved("header", KEYED_ON_CONSUMER);
  static final long MAX_REQUESTS = 1_000_000_000L;
  static final String UNLIMITED = "unlimited";

  private RateLimitSpec() {}

  static Optional<RateLimit> decode(String name, MappingReader spec, ReferencedFiles files) {
    List<Item<String>> routes = spec.requiredList("modelRoutes", Values.NAME);
    for (Item<String> route : routes) {
      spec.scope().refer(Kind.MODEL_ROUTE, route.value(), route.path());
      spec.scope().claim(ClaimKind.RATE_LIMITED_ROUTE, route.value(), route.path());
    }
    Optional<Limit> limit = spec.requiredMapping("limit", LIMIT).flatMap(RateLimitSpec::limit);
    List<Tier> tiers = spec.optionalMapping("tiers", TIERS).map(RateLimitSpec::tiers).orElse(List.of());
    return spec.build(() -> new RateLimit(name, routes.stream().map(Item::value).toList(), limit.get(), tiers));
  }

  private static Optional<Limit> limit(MappingReader limit) {
    Optional<Long> requests = limit.required("requests", Values.wholeNumber(1, MAX_REQUESTS));
    Optional<Duration> per = limit.required("per", Values.duration(Rule.AT_LEAST_ONE_SECOND));
    return requests.flatMap(r -> per.map(p -> new Limit(r, p)));
  }

  private static List<Tier> tiers(MappingReader tiers) {
    List<Tier> list = new ArrayList<>();
    for (Entry entry : tiers.requiredEntries("limits")) {
      if (entry.key().isEmpty()) {
        tiers.scope().error(entry.keyLocation(), entry.path(), "a tier value must not be empty");
      } else if (entry.key().equals(RateLimit.DEFAULT_TIER)) {
        tiers.scope().error(entry.keyLocation(), entry.path(), "tier \"" + RateLimit.DEFAULT_TIER
            + "\" is reserved for consumers that name no tier (they get spec.limit); use another name");
      }
      tier(tiers, entry).ifPresent(list::add);
    }
    list.sort(Comparator.comparing(Tier::value));
    return list;
  }

  private static Optional<Tier> tier(MappingReader tiers, Entry entry) {
    if (entry.value() instanceof Scalar scalar && UNLIMITED.equals(scalar.text())) {
      return Optional.of(new Tier(entry.key(), Optional.empty()));
    }
    if (entry.value() instanceof YamlNode.Mapping) {
      return MappingReader.of(entry.value(), entry.path(), tiers.scope(), LIMIT)
          .flatMap(RateLimitSpec::limit)
          .map(l -> new Tier(entry.key(), Optional.of(l)));
    }
    tiers.scope().error(entry.value().location(), entry.path(),
        "expected \"unlimited\" or a mapping with requests and per, got " + entry.value().describe());
    return Optional.empty();
  }
}
