package io.llmxds.cp.policy;

import io.llmxds.common.GatewayIdentity;
import io.llmxds.cp.policy.Durations.Rule;
import io.llmxds.cp.policy.MappingReader.Entry;
import io.llmxds.cp.policy.MappingReader.Item;
import io.llmxds.cp.policy.RateLimit.Bucket;
import io.llmxds.cp.policy.RateLimit.Budget;
import io.llmxds.cp.policy.RateLimit.BudgetUnit;
import io.llmxds.cp.policy.RateLimit.ConsumerRules;
import io.llmxds.cp.policy.RateLimit.Global;
import io.llmxds.cp.policy.RateLimit.Limit;
import io.llmxds.cp.policy.RateLimit.Price;
import io.llmxds.cp.policy.RateLimit.Rules;
import io.llmxds.cp.policy.RateLimit.Tier;
import io.llmxds.cp.policy.RateLimit.TokenKind;
import io.llmxds.cp.policy.RateLimit.TokenLimit;
import io.llmxds.cp.policy.RateLimit.Window;
import io.llmxds.cp.policy.YamlNode.Scalar;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Reads a RateLimit's spec. A rules block ({@code limit}, a tier's, a consumer's) reads the same in both scopes;
 * what only the rate-limit service can count (tokens, budgets, shared buckets, consumers, prices) requires {@code
 * scope: global}, which requires a Redis store (docs/policies.md, RateLimit).
 */
final class RateLimitSpec {

  /** What a policy that still keys or tiers limits on a client header is told. */
  static final String KEYED_ON_CONSUMER = "was removed: limits are keyed on the authenticated consumer ("
      + GatewayIdentity.CONSUMER_HEADER + ") and tiered by its tier (Consumer spec.tier)";
  static final FieldSet FIELDS = FieldSet.of("scope", "modelRoutes", "limit", "tiers", "consumers", "store",
      "enforce", "failureMode", "prices").withRemoved("keyHeader", KEYED_ON_CONSUMER);
  private static final FieldSet RULES = FieldSet.of("requests", "per", "tokens", "budget", "bucket");
  private static final FieldSet TOKENS = FieldSet.of("total", "input", "output", "per");
  private static final FieldSet BUDGET = FieldSet.of("usd", "tokens", "per");
  private static final FieldSet PRICE = FieldSet.of("input", "output");
  private static final FieldSet TIERS = FieldSet.of("limits").withRemoved("header", KEYED_ON_CONSUMER);
  private static final FieldSet CONSUMERS = FieldSet.of("limits");
  static final long MAX_REQUESTS = 1_000_000_000L;
  static final long MAX_TOKENS = 1_000_000_000_000L;
  private static final BigDecimal MIN_USD = new BigDecimal("0.000001");
  private static final BigDecimal MAX_USD = new BigDecimal("1000000000");
  /** Longer windows are budgets, counted per calendar day or month. */
  private static final Duration MAX_RATE_WINDOW = Duration.ofDays(1);
  static final String UNLIMITED = "unlimited";
  static final String GLOBAL = "global";
  private static final String LOCAL = "local";
  private static final String NEEDS_GLOBAL = "requires scope: global (a local limit is counted by each Envoy on its "
      + "own, in requests only)";

  /** Why a global limit cannot count in a memory store. */
  static final String MEMORY_IS_LOCAL = "a memory store's counters live in one replica of the service, so a global "
      + "limit there would not be global: name a redis or redis-cluster ContextStore";

  private RateLimitSpec() {}

  static Optional<RateLimit> decode(String name, MappingReader spec, ReferencedFiles files) {
    boolean global = spec.optional("scope", Values.oneOf(new String[] {LOCAL, GLOBAL}, Function.identity()), LOCAL)
        .equals(GLOBAL);
    List<Item<String>> routes = spec.requiredList("modelRoutes", Values.NAME);
    for (Item<String> route : routes) {
      spec.scope().refer(Kind.MODEL_ROUTE, route.value(), route.path());
      spec.scope().claim(ClaimKind.RATE_LIMITED_ROUTE, route.value(), route.path());
    }
    Optional<Rules> limit = (global ? spec.optionalMapping("limit", RULES) : spec.requiredMapping("limit", RULES))
        .flatMap(block -> rules(block, global));
    List<Tier> tiers = spec.optionalMapping("tiers", TIERS).map(t -> tiers(t, global)).orElse(List.of());
    List<ConsumerRules> consumers = global
        ? spec.optionalMapping("consumers", CONSUMERS).map(RateLimitSpec::consumers).orElse(List.of())
        : List.of();
    Optional<Global> globalPart = global ? global(spec, limit, tiers, consumers) : Optional.empty();
    if (!global) {
      for (String field : List.of("consumers", "store", "enforce", "failureMode", "prices")) {
        if (spec.node(field).isPresent()) {
          spec.error(field, field + " " + NEEDS_GLOBAL);
        }
      }
    }
    return spec.build(() -> new RateLimit(name, routes.stream().map(Item::value).toList(), limit, tiers, consumers,
        globalPart));
  }

  private static Optional<Global> global(MappingReader spec, Optional<Rules> limit, List<Tier> tiers,
      List<ConsumerRules> consumers) {
    if (spec.node("limit").isEmpty() && spec.node("tiers").isEmpty() && spec.node("consumers").isEmpty()) {
      spec.error("limit", "a global limit needs limit, tiers or consumers: whom its rules apply to");
    }
    Optional<String> store = spec.optional("store", Values.NAME);
    store.filter(ContextStore.BUILT_IN_MEMORY::equals).ifPresent(s -> spec.error("store", MEMORY_IS_LOCAL));
    store.filter(s -> !s.equals(ContextStore.BUILT_IN_MEMORY))
        .ifPresent(s -> spec.scope().refer(Kind.CONTEXT_STORE, s, spec.pathOf("store")));
    if (spec.node("store").isEmpty()) {
      spec.error("store", "a global limit needs store: the name of a redis or redis-cluster ContextStore that "
          + "holds its counters for every replica");
    }
    boolean enforce = spec.optional("enforce", Values.BOOLEAN, true);
    ContextPolicy.FailureMode failureMode = spec.optional("failureMode",
        Values.oneOf(ContextPolicy.FailureMode.values(), ContextPolicy.FailureMode::wire),
        ContextPolicy.FailureMode.OPEN);
    Map<String, Price> prices = spec.node("prices").isPresent() ? prices(spec) : Map.of();
    boolean usd = allRules(limit, tiers, consumers).stream()
        .anyMatch(r -> r.budgets().stream().anyMatch(b -> b.unit() == BudgetUnit.USD));
    if (usd && spec.node("prices").isEmpty()) {
      spec.error("prices", "a usd budget needs prices: model → {input, output} in dollars per 1M tokens");
    } else if (!usd && spec.node("prices").isPresent()) {
      spec.error("prices", "prices are read only by usd budgets, and this limit has none");
    }
    return store.map(s -> new Global(s, enforce, failureMode, prices));
  }

  private static List<Rules> allRules(Optional<Rules> limit, List<Tier> tiers, List<ConsumerRules> consumers) {
    List<Rules> all = new ArrayList<>();
    limit.ifPresent(all::add);
    tiers.forEach(t -> t.limit().ifPresent(all::add));
    consumers.forEach(c -> c.limit().ifPresent(all::add));
    return all;
  }

  /** A rules block: a request rate, token rates and a budget; a local block is a request rate and nothing else. */
  private static Optional<Rules> rules(MappingReader block, boolean global) {
    boolean hasRequests = block.node("requests").isPresent();
    Optional<Long> requests = block.optional("requests", Values.wholeNumber(1, MAX_REQUESTS));
    Optional<Duration> per = block.optional("per", Values.duration(Rule.AT_LEAST_ONE_SECOND))
        .flatMap(p -> rateWindow(block, "per", p));
    if (!global || hasRequests) {
      if (!hasRequests) {
        block.error("requests", "required field is missing");
      }
      if (block.node("per").isEmpty()) {
        block.error("per", "required field is missing" + (global ? ": the window of requests" : ""));
      }
    } else if (block.node("per").isPresent()) {
      block.error("per", "per is the window of requests, and this block has no requests");
    }
    List<TokenLimit> tokens = block.optionalMapping("tokens", TOKENS).map(RateLimitSpec::tokens).orElse(List.of());
    List<Budget> budgets = block.optionalMapping("budget", BUDGET).flatMap(RateLimitSpec::budget).stream().toList();
    Bucket bucket = block.optional("bucket", Values.oneOf(Bucket.values(), Bucket::wire), Bucket.CONSUMER);
    if (!global) {
      for (String field : List.of("tokens", "budget", "bucket")) {
        if (block.node(field).isPresent()) {
          block.error(field, field + " " + NEEDS_GLOBAL);
        }
      }
    } else if (!hasRequests && block.node("tokens").isEmpty() && block.node("budget").isEmpty()) {
      block.error("requests", "a rules block needs requests (with per), tokens or budget");
    }
    Optional<Limit> requestLimit = requests.flatMap(r -> per.map(p -> new Limit(r, p)));
    return Optional.of(new Rules(requestLimit, tokens, budgets, bucket));
  }

  private static Optional<Duration> rateWindow(MappingReader block, String key, Duration per) {
    if (per.compareTo(MAX_RATE_WINDOW) > 0) {
      block.error(key, "a rate window is at most 24h; longer ones are budgets (budget: {usd | tokens, per: day | "
          + "month})");
      return Optional.empty();
    }
    return Optional.of(per);
  }

  private static List<TokenLimit> tokens(MappingReader tokens) {
    Optional<Duration> per = tokens.required("per", Values.duration(Rule.AT_LEAST_ONE_SECOND))
        .flatMap(p -> rateWindow(tokens, "per", p));
    List<TokenLimit> limits = new ArrayList<>();
    for (TokenKind kind : TokenKind.values()) {
      tokens.optional(kind.field(), Values.wholeNumber(1, MAX_TOKENS))
          .ifPresent(n -> per.ifPresent(p -> limits.add(new TokenLimit(kind, n, p))));
    }
    if (tokens.node("total").isEmpty() && tokens.node("input").isEmpty() && tokens.node("output").isEmpty()) {
      tokens.error("total", "tokens needs total, input or output: the tokens allowed per window");
    }
    return limits;
  }

  private static Optional<Budget> budget(MappingReader budget) {
    boolean usd = budget.node("usd").isPresent();
    boolean tokens = budget.node("tokens").isPresent();
    if (usd == tokens) {
      budget.error(usd ? "tokens" : "usd", "a budget is in usd or in tokens: give exactly one of them");
    }
    Optional<BigDecimal> amount = usd
        ? budget.optional("usd", Values.decimal(MIN_USD, MAX_USD))
        : budget.optional("tokens", Values.wholeNumber(1, MAX_TOKENS)).map(BigDecimal::valueOf);
    Optional<Window> window = budget.required("per", Values.oneOf(Window.values(), Window::wire));
    BudgetUnit unit = usd ? BudgetUnit.USD : BudgetUnit.TOKENS;
    return amount.flatMap(a -> window.map(w -> new Budget(unit, a, w)));
  }

  private static Map<String, Price> prices(MappingReader spec) {
    Map<String, Price> table = new TreeMap<>();
    for (Entry entry : spec.requiredEntries("prices")) {
      if (entry.key().isEmpty()) {
        spec.scope().error(entry.keyLocation(), entry.path(), "a model name must not be empty");
      }
      MappingReader.of(entry.value(), entry.path(), spec.scope(), PRICE).ifPresent(price -> {
        Optional<BigDecimal> input = price.required("input", Values.decimal(BigDecimal.ZERO, MAX_USD));
        Optional<BigDecimal> output = price.required("output", Values.decimal(BigDecimal.ZERO, MAX_USD));
        input.ifPresent(i -> output.ifPresent(o -> table.put(entry.key(), new Price(i, o))));
      });
    }
    return table;
  }

  private static List<Tier> tiers(MappingReader tiers, boolean global) {
    List<Tier> list = new ArrayList<>();
    for (Entry entry : tiers.requiredEntries("limits")) {
      if (entry.key().isEmpty()) {
        tiers.scope().error(entry.keyLocation(), entry.path(), "a tier value must not be empty");
      } else if (entry.key().equals(RateLimit.DEFAULT_TIER)) {
        tiers.scope().error(entry.keyLocation(), entry.path(), "tier \"" + RateLimit.DEFAULT_TIER
            + "\" is reserved for consumers that name no tier (they get spec.limit); use another name");
      }
      entryRules(tiers, entry, global).ifPresent(rules -> list.add(new Tier(entry.key(), rules)));
    }
    list.sort(Comparator.comparing(Tier::value));
    return list;
  }

  private static List<ConsumerRules> consumers(MappingReader consumers) {
    List<ConsumerRules> list = new ArrayList<>();
    for (Entry entry : consumers.requiredEntries("limits")) {
      consumers.scope().refer(Kind.CONSUMER, entry.key(), entry.path());
      entryRules(consumers, entry, true).ifPresent(rules -> list.add(new ConsumerRules(entry.key(), rules)));
    }
    list.sort(Comparator.comparing(ConsumerRules::consumer));
    return list;
  }

  /** {@code unlimited} (an empty Optional inside) or a rules block; empty outside when it did not read. */
  private static Optional<Optional<Rules>> entryRules(MappingReader parent, Entry entry, boolean global) {
    if (entry.value() instanceof Scalar scalar && UNLIMITED.equals(scalar.text())) {
      return Optional.of(Optional.empty());
    }
    if (entry.value() instanceof YamlNode.Mapping) {
      return MappingReader.of(entry.value(), entry.path(), parent.scope(), RULES)
          .flatMap(block -> rules(block, global))
          .map(Optional::of);
    }
    parent.scope().error(entry.value().location(), entry.path(), "expected \"unlimited\" or a mapping with "
        + (global ? "requests and per, tokens or budget" : "requests and per") + ", got " + entry.value().describe());
    return Optional.empty();
  }
}
