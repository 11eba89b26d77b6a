package io.llmxds.cp.translate;

import static io.llmxds.cp.translate.ContextServiceTranslator.number;
import static io.llmxds.cp.translate.ContextServiceTranslator.string;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.llmxds.common.GlobalRateLimits;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.RateLimit;
import io.llmxds.cp.policy.RateLimit.Bucket;
import io.llmxds.cp.policy.RateLimit.Rules;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The limit table of the context-service flavor: one struct per global RateLimit in the virtual host's {@link
 * GlobalRateLimits#LIMITS_METADATA} metadata, exactly the fields of the contract (docs/global-rate-limits.md). Targets
 * are listed most specific first (consumers, tiers, then all), each kind sorted by name. On an anonymous gateway the
 * edge sends no consumer, so every bucket is {@code shared}: said here rather than left to the service to infer.
 */
final class GlobalLimitTable {

  private static final String ALL = "all";
  private static final String TIER = "tier";
  private static final String CONSUMER = "consumer";
  private static final String RATE = "rate";
  private static final String BUDGET = "budget";
  private static final String REQUESTS = "requests";

  private GlobalLimitTable() {}

  /** Empty when the bundle has no global limit (the namespace is then absent). */
  static Optional<Struct> of(PolicyBundle bundle) {
    List<RateLimit> limits = bundle.rateLimits().stream().filter(RateLimit::isGlobal).toList();
    if (limits.isEmpty()) {
      return Optional.empty();
    }
    Struct.Builder table = Struct.newBuilder();
    limits.forEach(limit -> table.putFields(limit.name(), struct(limit(limit, bundle.authenticates()))));
    return Optional.of(table.build());
  }

  private static Struct.Builder limit(RateLimit limit, boolean authenticates) {
    RateLimit.Global global = limit.global().orElseThrow();
    ListValue.Builder targets = ListValue.newBuilder();
    limit.consumers().forEach(c -> targets.addValues(struct(target(CONSUMER, c.consumer(), c.limit(), authenticates))));
    limit.tiers().forEach(t -> targets.addValues(struct(target(TIER, t.value(), t.limit(), authenticates))));
    limit.limit().ifPresent(rules -> targets.addValues(struct(target(ALL, null, Optional.of(rules), authenticates))));
    Struct.Builder fields = Struct.newBuilder()
        .putFields(GlobalRateLimits.LIMIT_VERSION, string(RecordVersion.of(limit)))
        .putFields(GlobalRateLimits.LIMIT_STORE, string(global.store()))
        .putFields(GlobalRateLimits.LIMIT_ENFORCE, Value.newBuilder().setBoolValue(global.enforce()).build())
        .putFields(GlobalRateLimits.LIMIT_FAILURE_MODE, string(global.failureMode().wire()))
        .putFields(GlobalRateLimits.LIMIT_MODEL_ROUTES, list(limit.modelRoutes().stream().sorted()
            .map(ContextServiceTranslator::string).toList()))
        .putFields(GlobalRateLimits.LIMIT_TARGETS, Value.newBuilder().setListValue(targets).build());
    if (!global.prices().isEmpty()) {
      Struct.Builder prices = Struct.newBuilder();
      global.prices().forEach((model, price) -> prices.putFields(model, struct(Struct.newBuilder()
          .putFields(GlobalRateLimits.PRICE_INPUT, decimal(price.inputPerMillion()))
          .putFields(GlobalRateLimits.PRICE_OUTPUT, decimal(price.outputPerMillion())))));
      fields.putFields(GlobalRateLimits.LIMIT_PRICES, struct(prices));
    }
    return fields;
  }

  private static Struct.Builder target(String kind, String name, Optional<Rules> rules, boolean authenticates) {
    Struct.Builder target = Struct.newBuilder().putFields(GlobalRateLimits.TARGET_KIND, string(kind));
    if (name != null) {
      target.putFields(GlobalRateLimits.TARGET_NAME, string(name));
    }
    rules.ifPresentOrElse(r -> target.putFields(GlobalRateLimits.TARGET_RULES, list(rules(r, authenticates))),
        () -> target.putFields(GlobalRateLimits.TARGET_UNLIMITED, Value.newBuilder().setBoolValue(true).build()));
    return target;
  }

  private static List<Value> rules(Rules rules, boolean authenticates) {
    String bucket = (authenticates ? rules.bucket() : Bucket.SHARED).wire();
    List<Value> list = new ArrayList<>();
    rules.requests().ifPresent(l -> list.add(rule(RATE, REQUESTS, BigDecimal.valueOf(l.requests()),
        number(l.per().toSeconds()), bucket)));
    rules.tokens().forEach(t -> list.add(rule(RATE, t.kind().unit(), BigDecimal.valueOf(t.tokens()),
        number(t.per().toSeconds()), bucket)));
    rules.budgets().forEach(b -> list.add(rule(BUDGET, b.unit().wire(), b.amount(), string(b.window().wire()),
        bucket)));
    return list;
  }

  private static Value rule(String kind, String unit, BigDecimal amount, Value window, String bucket) {
    return struct(Struct.newBuilder()
        .putFields(GlobalRateLimits.RULE_KIND, string(kind))
        .putFields(GlobalRateLimits.RULE_UNIT, string(unit))
        .putFields(GlobalRateLimits.RULE_AMOUNT, decimal(amount))
        .putFields(GlobalRateLimits.RULE_WINDOW, window)
        .putFields(GlobalRateLimits.RULE_BUCKET, string(bucket)));
  }

  private static Value decimal(BigDecimal value) {
    return Value.newBuilder().setNumberValue(value.doubleValue()).build();
  }

  private static Value list(List<Value> values) {
    return Value.newBuilder().setListValue(ListValue.newBuilder().addAllValues(values)).build();
  }

  private static Value struct(Struct.Builder fields) {
    return Value.newBuilder().setStructValue(fields).build();
  }
}
