package io.llmxds.cp.policy;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.llmxds.common.GatewayIdentity;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Limits for model routes, per authenticated consumer ({@link GatewayIdentity#CONSUMER_HEADER}, set by the gateway
 * alone), chosen by the consumer's name, then its tier ({@link GatewayIdentity#TIER_HEADER}), then for everyone.
 * {@code local}: request limits each Envoy enforces on its own. {@code global}: request limits, token limits and
 * budgets counted once for every Envoy by the data-path service's rate-limit service (docs/global-rate-limits.md).
 *
 * @param modelRoutes the ModelRoutes this limit applies to
 * @param limit the rules of a consumer no tier or consumer entry names (the {@code default} tier among them);
 *     always present for local limits
 * @param tiers per-tier rules, sorted by tier name
 * @param consumers per-consumer rules (global only), sorted by consumer name
 * @param global what only a global limit has; empty: local
 */
public record RateLimit(
    String name,
    List<String> modelRoutes,
    Optional<Rules> limit,
    List<Tier> tiers,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ConsumerRules> consumers,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Optional<Global> global) {

  /** The tier of consumers that name none; not a name a RateLimit may give a tier. */
  public static final String DEFAULT_TIER = GatewayIdentity.DEFAULT_TIER;

  public RateLimit {
    modelRoutes = List.copyOf(modelRoutes);
    tiers = List.copyOf(tiers);
    consumers = List.copyOf(consumers);
  }

  /** A local limit: {@code limit} for everyone, {@code tiers} by tier. */
  public RateLimit(String name, List<String> modelRoutes, Limit limit, List<Tier> tiers) {
    this(name, modelRoutes, Optional.of(Rules.of(limit)), tiers, List.of(), Optional.empty());
  }

  @JsonIgnore
  public boolean isGlobal() {
    return global.isPresent();
  }

  /** The request limit of a local RateLimit, which always has one. */
  @JsonIgnore
  public Limit requestLimit() {
    return limit.flatMap(Rules::requests).orElseThrow(() -> new IllegalStateException(name + " has no request limit"));
  }

  /** {@code requests} per {@code per}. */
  public record Limit(long requests, Duration per) {}

  /** A tier's rules; empty means unlimited. */
  public record Tier(String value, Optional<Rules> limit) {
    public boolean unlimited() {
      return limit.isEmpty();
    }
  }

  /** A consumer's own rules (global only); empty means unlimited. */
  public record ConsumerRules(String consumer, Optional<Rules> limit) {}

  /**
   * What one target must stay within; every rule must admit a request.
   *
   * @param requests a request rate
   * @param tokens token rates (global only), by kind
   * @param budgets budgets over a calendar day or month (global only)
   * @param bucket whether each consumer has its own counters or everyone the rules apply to shares them
   */
  public record Rules(Optional<Limit> requests, List<TokenLimit> tokens, List<Budget> budgets, Bucket bucket) {
    public Rules {
      tokens = List.copyOf(tokens);
      budgets = List.copyOf(budgets);
    }

    public static Rules of(Limit requests) {
      return new Rules(Optional.of(requests), List.of(), List.of(), Bucket.CONSUMER);
    }

    /** Whether any rule counts the tokens of answers (so the edge must charge them when the stream is done). */
    public boolean countsTokens() {
      return !tokens.isEmpty() || !budgets.isEmpty();
    }
  }

  /** {@code tokens} of a kind per {@code per}. */
  public record TokenLimit(TokenKind kind, long tokens, Duration per) {}

  /** An amount of tokens or dollars per calendar window (UTC). */
  public record Budget(BudgetUnit unit, BigDecimal amount, Window window) {}

  /**
   * What only a global limit has.
   *
   * @param store the ContextStore (redis or redis-cluster) that holds the counters
   * @param enforce false: shadow mode (counted and reported, never refused)
   * @param failureMode what a check does when the store or the rate-limit service fails
   * @param prices dollars per 1M tokens by model, for {@code usd} budgets; sorted by model
   */
  public record Global(String store, boolean enforce, ContextPolicy.FailureMode failureMode, Map<String, Price> prices) {
    public Global {
      prices = Collections.unmodifiableMap(new TreeMap<>(prices));
    }
  }

  /** Dollars per 1M input (prompt) and output (completion) tokens. */
  public record Price(BigDecimal inputPerMillion, BigDecimal outputPerMillion) {}

  public enum TokenKind {
    TOTAL("total", "tokens"), INPUT("input", "input_tokens"), OUTPUT("output", "output_tokens");

    private final String field;
    private final String unit;

    TokenKind(String field, String unit) {
      this.field = field;
      this.unit = unit;
    }

    /** The policy field, e.g. {@code tokens.input}. */
    public String field() {
      return field;
    }

    /** The rule unit of the limit table (GlobalRateLimits.RULE_UNIT). */
    public String unit() {
      return unit;
    }
  }

  public enum BudgetUnit {
    USD("usd"), TOKENS("tokens");

    private final String wire;

    BudgetUnit(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  public enum Window {
    DAY("day"), MONTH("month");

    private final String wire;

    Window(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  public enum Bucket {
    CONSUMER("consumer"), SHARED("shared");

    private final String wire;

    Bucket(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }
}
