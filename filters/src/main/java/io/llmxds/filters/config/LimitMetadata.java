package io.llmxds.filters.config;

import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.llmxds.common.GlobalRateLimits;
import io.llmxds.filters.ratelimit.GlobalLimit;
import io.llmxds.filters.ratelimit.LimitRule;
import io.llmxds.filters.ratelimit.LimitTarget;
import io.llmxds.filters.ratelimit.ModelPrice;
import io.llmxds.filters.ratelimit.Window;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The limit table in the virtual host's metadata (GlobalRateLimits, docs/global-rate-limits.md "The limit table"): one
 * field per global RateLimit. Absent: no global limits. Every error names the field, and NACKs the table.
 */
final class LimitMetadata {
  /** The longest fixed window a rate may have; longer periods are budgets (day, month). */
  private static final long MAX_WINDOW_SECONDS = 31L * 24 * 3600;

  private LimitMetadata() {}

  /** @param routes the table's route names: a limit may only cover those */
  static Map<String, GlobalLimit> decode(Metadata metadata, String resource, Set<String> routes)
      throws ConfigException {
    if (!metadata.getFilterMetadataMap().containsKey(GlobalRateLimits.LIMITS_METADATA)) {
      return Map.of();
    }
    MetadataFields table = MetadataFields.of(metadata, GlobalRateLimits.LIMITS_METADATA, resource);
    Map<String, GlobalLimit> limits = new LinkedHashMap<>();
    for (String name : table.keys()) {
      limits.put(name, limit(name, table.struct(name), routes));
    }
    return limits;
  }

  private static GlobalLimit limit(String name, MetadataFields fields, Set<String> routes) throws ConfigException {
    List<String> covered = fields.optionalStrings(GlobalRateLimits.LIMIT_MODEL_ROUTES)
        .orElseThrow(() -> new ConfigException(fields.where() + "." + GlobalRateLimits.LIMIT_MODEL_ROUTES + " missing"));
    for (String route : covered) {
      if (!routes.contains(route)) {
        throw new ConfigException(fields.where() + "." + GlobalRateLimits.LIMIT_MODEL_ROUTES + " names '" + route
            + "', which is no route of the table");
      }
    }
    Map<String, ModelPrice> prices = prices(fields);
    List<LimitTarget> targets = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (MetadataFields target : fields.structs(GlobalRateLimits.LIMIT_TARGETS)) {
      LimitTarget decoded = target(target, !prices.isEmpty());
      if (!seen.add(decoded.kind() + "/" + decoded.name().orElse(""))) {
        throw new ConfigException(target.where() + ": a second target for the same "
            + decoded.kind().name().toLowerCase(Locale.ROOT) + decoded.name().map(n -> " " + n).orElse(""));
      }
      targets.add(decoded);
    }
    return new GlobalLimit(name, fields.string(GlobalRateLimits.LIMIT_VERSION),
        fields.string(GlobalRateLimits.LIMIT_STORE), fields.flag(GlobalRateLimits.LIMIT_ENFORCE, true),
        oneOf(fields, GlobalRateLimits.LIMIT_FAILURE_MODE, GlobalLimit.FailureMode.class),
        new LinkedHashSet<>(covered), targets, prices);
  }

  private static Map<String, ModelPrice> prices(MetadataFields fields) throws ConfigException {
    if (!fields.has(GlobalRateLimits.LIMIT_PRICES)) {
      return Map.of();
    }
    MetadataFields table = fields.struct(GlobalRateLimits.LIMIT_PRICES);
    Map<String, ModelPrice> prices = new LinkedHashMap<>();
    for (String model : table.keys()) {
      MetadataFields price = table.struct(model);
      prices.put(model, new ModelPrice(price.positive(GlobalRateLimits.PRICE_INPUT),
          price.positive(GlobalRateLimits.PRICE_OUTPUT)));
    }
    return prices;
  }

  private static LimitTarget target(MetadataFields fields, boolean priced) throws ConfigException {
    LimitTarget.Kind kind = oneOf(fields, GlobalRateLimits.TARGET_KIND, LimitTarget.Kind.class);
    Optional<String> name = fields.optionalString(GlobalRateLimits.TARGET_NAME);
    if ((kind == LimitTarget.Kind.ALL) != name.isEmpty()) {
      throw new ConfigException(fields.where() + "." + GlobalRateLimits.TARGET_NAME
          + (kind == LimitTarget.Kind.ALL ? " is not set for kind all" : " is required for kind "
              + kind.name().toLowerCase(Locale.ROOT)));
    }
    boolean unlimited = fields.flag(GlobalRateLimits.TARGET_UNLIMITED, false);
    List<LimitRule> rules = new ArrayList<>();
    if (fields.has(GlobalRateLimits.TARGET_RULES)) {
      for (MetadataFields rule : fields.structs(GlobalRateLimits.TARGET_RULES)) {
        rules.add(rule(rule, priced));
      }
    }
    if (unlimited == !rules.isEmpty()) {
      throw new ConfigException(fields.where() + ": " + (unlimited ? "an unlimited target has no rules"
          : "a target that is not unlimited needs rules"));
    }
    return new LimitTarget(kind, name, unlimited, rules);
  }

  private static LimitRule rule(MetadataFields fields, boolean priced) throws ConfigException {
    LimitRule.Kind kind = oneOf(fields, GlobalRateLimits.RULE_KIND, LimitRule.Kind.class);
    LimitRule.Unit unit = oneOf(fields, GlobalRateLimits.RULE_UNIT, LimitRule.Unit.class);
    long amount;
    if (unit == LimitRule.Unit.USD) {
      if (!priced) {
        throw new ConfigException(fields.where() + ": a usd rule needs the limit's " + GlobalRateLimits.LIMIT_PRICES);
      }
      amount = Math.round(fields.positive(GlobalRateLimits.RULE_AMOUNT) * LimitRule.NANOS_PER_DOLLAR);
      if (amount < 1) {
        throw new ConfigException(fields.where() + "." + GlobalRateLimits.RULE_AMOUNT + " is below a nano-dollar");
      }
    } else {
      amount = fields.number(GlobalRateLimits.RULE_AMOUNT, 1, Long.MAX_VALUE / 2);
    }
    Window window;
    if (kind == LimitRule.Kind.BUDGET) {
      if (!fields.isString(GlobalRateLimits.RULE_WINDOW)) {
        throw new ConfigException(fields.where() + "." + GlobalRateLimits.RULE_WINDOW + " of a budget is day or month");
      }
      window = oneOf(fields, GlobalRateLimits.RULE_WINDOW, Window.Calendar.class);
    } else {
      window = new Window.Fixed(fields.number(GlobalRateLimits.RULE_WINDOW, 1, MAX_WINDOW_SECONDS));
    }
    LimitRule.Bucket bucket = fields.has(GlobalRateLimits.RULE_BUCKET)
        ? oneOf(fields, GlobalRateLimits.RULE_BUCKET, LimitRule.Bucket.class) : LimitRule.Bucket.CONSUMER;
    return new LimitRule(kind, unit, amount, window, bucket);
  }

  /** The string field {@code key} as one of {@code type}'s constants, named in lower case on the wire. */
  private static <E extends Enum<E>> E oneOf(MetadataFields fields, String key, Class<E> type)
      throws ConfigException {
    String wire = fields.string(key);
    for (E value : type.getEnumConstants()) {
      if (value.name().toLowerCase(Locale.ROOT).equals(wire)) {
        return value;
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E value : type.getEnumConstants()) {
      allowed.add(value.name().toLowerCase(Locale.ROOT));
    }
    throw new ConfigException(fields.where() + "." + key + " is " + String.join(" | ", allowed) + ", not '" + wire
        + "'");
  }
}
