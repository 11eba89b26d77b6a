package io.llmxds.common;

/**
 * The contract of global rate limits between the control plane, Envoy's ratelimit filter and the data-path service's
 * RateLimitService (docs/global-rate-limits.md): the descriptors the edge sends, and the limit table the control plane
 * serves the service with the rest of its data-path config. Both sides use these names and nothing else.
 *
 * <p>The edge sends, per global RateLimit that covers the request's route, one descriptor at request time (charge
 * {@link #CHARGE_REQUEST}, hits 1) and, at stream done, one each for {@link #CHARGE_INPUT_TOKENS} and {@link
 * #CHARGE_OUTPUT_TOKENS} whose descriptor-level {@code hits_addend} is the answer's token count. The service reads
 * entries by key, never by position. Counters are keyed by limit, bucket, unit and window — never by config version —
 * so that a config push never resets them.
 */
public final class GlobalRateLimits {

  /** The {@code domain} of every RateLimitRequest the edge sends. */
  public static final String DOMAIN = "llm-xds";

  /** Descriptor entry: the RateLimit policy's name. */
  public static final String LIMIT_ENTRY = "llm_xds.limit";
  /** Descriptor entry: the ModelRoute's name (every alias of the route shares it). */
  public static final String ROUTE_ENTRY = "llm_xds.route";
  /** Descriptor entry: the authenticated consumer ({@link GatewayIdentity#CONSUMER_HEADER}); absent when anonymous. */
  public static final String CONSUMER_ENTRY = "llm_xds.consumer";
  /** Descriptor entry: the consumer's tier ({@link GatewayIdentity#TIER_HEADER}); absent when anonymous. */
  public static final String TIER_ENTRY = "llm_xds.tier";
  /** Descriptor entry: what the descriptor charges, one of the {@code CHARGE_} values. */
  public static final String CHARGE_ENTRY = "llm_xds.charge";
  /** At request time, hits 1: counts one request on request rules; checks, never charges, token and budget rules. */
  public static final String CHARGE_REQUEST = "request";
  /** At stream done: {@code hits_addend} = the answer's input (prompt) tokens. */
  public static final String CHARGE_INPUT_TOKENS = "input_tokens";
  /** At stream done: {@code hits_addend} = the answer's output (completion) tokens. */
  public static final String CHARGE_OUTPUT_TOKENS = "output_tokens";
  /** Descriptor entry at stream done: the model that answered (usage metadata {@code model}), for the price table. */
  public static final String MODEL_ENTRY = "llm_xds.model";

  /**
   * Virtual-host metadata namespace of the data-path config's RouteConfiguration ({@link DataPathConfig}): one field
   * per global RateLimit (its name) whose value is a struct of the {@code LIMIT_} fields. Absent: no global limits.
   */
  public static final String LIMITS_METADATA = "io.llmxds.rate_limits";
  /** 16 hex digits of the limit's content hash (string). */
  public static final String LIMIT_VERSION = "version";
  /** The ContextStore holding the counters (string): its cluster is {@link DataPathConfig#storeCluster(String)}. */
  public static final String LIMIT_STORE = "store";
  /** {@code false}: shadow mode, counts and reports what it would refuse, refuses nothing (bool). */
  public static final String LIMIT_ENFORCE = "enforce";
  /** {@code open} | {@code closed}: what a check does when the store fails or times out (string). */
  public static final String LIMIT_FAILURE_MODE = "failure_mode";
  /** The ModelRoutes the limit covers (list of strings). */
  public static final String LIMIT_MODEL_ROUTES = "model_routes";
  /**
   * Whom the rules apply to (list of structs {@code TARGET_}): for a request the most specific matching target wins —
   * {@code consumer} (by name) over {@code tier} (by name) over {@code all}; no matching target, no limit.
   */
  public static final String LIMIT_TARGETS = "targets";
  /** {@code all} | {@code tier} | {@code consumer}. */
  public static final String TARGET_KIND = "kind";
  /** The tier or consumer name; absent for {@code all}. */
  public static final String TARGET_NAME = "name";
  /** {@code true}: requests this target matches are never limited (bool; absent: false). */
  public static final String TARGET_UNLIMITED = "unlimited";
  /** The target's rules (list of structs {@code RULE_}); every rule must admit a request. */
  public static final String TARGET_RULES = "rules";
  /** {@code rate} (over it: 429 {@code rate_limit_exceeded}) | {@code budget} (429 {@code insufficient_quota}). */
  public static final String RULE_KIND = "kind";
  /** {@code requests} | {@code tokens} (input + output) | {@code input_tokens} | {@code output_tokens} | {@code usd}. */
  public static final String RULE_UNIT = "unit";
  /** The amount per window (number; {@code usd} in dollars, e.g. 0.01). */
  public static final String RULE_AMOUNT = "amount";
  /** Rates: the window in seconds (number). Budgets: {@code day} | {@code month} (UTC calendar; string). */
  public static final String RULE_WINDOW = "window";
  /** {@code consumer}: each consumer its own counter | {@code shared}: one counter for all the target matches. */
  public static final String RULE_BUCKET = "bucket";
  /** Price table for {@code usd} rules: struct model → struct of {@code PRICE_} (dollars per 1M tokens). */
  public static final String LIMIT_PRICES = "prices";
  public static final String PRICE_INPUT = "input_per_million";
  public static final String PRICE_OUTPUT = "output_per_million";

  private GlobalRateLimits() {}
}
