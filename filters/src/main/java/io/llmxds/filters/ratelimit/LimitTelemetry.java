package io.llmxds.filters.ratelimit;

import io.llmxds.filters.store.StoreException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rate-limit service's meters, log lines and status board: decisions by route, tier and decision; tokens and
 * cost by consumer and model; per limit its decisions and the store's last error (for {@code GET /healthz}). No
 * counter key, and no API key, is ever in any of them.
 */
public final class LimitTelemetry {
  public static final String DECISIONS = "llm_xds.ratelimit.decisions";
  public static final String TOKENS = "llm_xds.tokens";
  public static final String COST_USD = "llm_xds.cost.usd";
  public static final String STORE_ERRORS = "llm_xds.ratelimit.store.errors";
  public static final String UNPRICED = "llm_xds.ratelimit.unpriced.answers";
  private static final Logger log = LoggerFactory.getLogger(LimitTelemetry.class);
  /** Bounds the sets that make a log line appear once per name (names come from config and answers). */
  private static final int ONCE_BOUND = 1024;
  /** The least time between two log lines about one limit's store failures. */
  private static final Duration LOG_EVERY = Duration.ofSeconds(10);

  /**
   * What {@code GET /healthz} shows of a limit.
   *
   * @param lastError the store's last failure and when it was
   */
  public record LimitStatus(Map<String, Long> decisions, Optional<String> lastError, Optional<Instant> lastErrorAt) {}

  private final MeterRegistry meters;
  private final Clock clock;
  private final Map<String, Board> boards = new ConcurrentHashMap<>();
  private final Set<String> loggedOnce = ConcurrentHashMap.newKeySet();

  public LimitTelemetry(MeterRegistry meters, Clock clock) {
    this.meters = meters;
    this.clock = clock;
  }

  void decided(Verdict verdict) {
    String tier = verdict.descriptor().tier().orElse("none");
    meters.counter(DECISIONS, "route", verdict.descriptor().route(), "tier", tier, "decision",
        verdict.decision().tag()).increment();
    verdict.limit().ifPresent(limit -> board(limit.name()).decisions.get(verdict.decision()).increment());
  }

  void charged(Optional<String> consumer, String model, long inputTokens, long outputTokens,
      Optional<Long> nanoDollars) {
    String who = consumer.orElse("none");
    meters.counter(TOKENS, "consumer", who, "model", model, "direction", "input").increment(inputTokens);
    meters.counter(TOKENS, "consumer", who, "model", model, "direction", "output").increment(outputTokens);
    nanoDollars.ifPresent(nanos -> meters.counter(COST_USD, "consumer", who, "model", model)
        .increment(nanos / (double) LimitRule.NANOS_PER_DOLLAR));
  }

  void storeFailed(GlobalLimit limit, StoreException e) {
    Board board = board(limit.name());
    Instant now = clock.instant();
    board.lastError = e.getMessage();
    board.lastErrorAt = now;
    meters.counter(STORE_ERRORS, "limit", limit.name()).increment();
    // A store that is down fails every check: one line per limit per LOG_EVERY, not thousands a second.
    long suppressed = board.unlogged.getAndIncrement();
    Instant logged = board.loggedAt;
    if (logged == null || !now.isBefore(logged.plus(LOG_EVERY))) {
      board.loggedAt = now;
      board.unlogged.addAndGet(-suppressed - 1);
      log.warn("rate limit {}: store {} failed: {}{}", limit.name(), limit.store(), e.getMessage(),
          suppressed > 0 ? " (and " + suppressed + " more failures since the last line)" : "");
    }
  }

  void unknownLimit(String name, String config) {
    once("limit:" + name, () -> log.warn("a descriptor names rate limit '{}', which config {} does not have: not "
        + "limited (the edge and this service run different configs)", name, config));
  }

  /** An answer of a model the limit's price table does not have: its tokens count, its money does not. */
  void unpriced(GlobalLimit limit, String model) {
    meters.counter(UNPRICED, "limit", limit.name(), "model", model).increment();
    once("price:" + limit.name() + "/" + model, () -> log.warn("rate limit {}: model '{}' has no price: its tokens "
        + "are counted, its cost is not", limit.name(), model));
  }

  /** Per limit that has been checked: its decisions so far and its store's last error. */
  public Map<String, LimitStatus> status() {
    Map<String, LimitStatus> status = new TreeMap<>();
    boards.forEach((name, board) -> {
      Map<String, Long> decisions = new TreeMap<>();
      board.decisions.forEach((decision, count) -> decisions.put(decision.tag(), count.sum()));
      status.put(name, new LimitStatus(decisions, Optional.ofNullable(board.lastError),
          Optional.ofNullable(board.lastErrorAt)));
    });
    return status;
  }

  private Board board(String limit) {
    return boards.computeIfAbsent(limit, l -> new Board());
  }

  private void once(String what, Runnable logLine) {
    if (loggedOnce.size() < ONCE_BOUND && loggedOnce.add(what)) {
      logLine.run();
    }
  }

  private static final class Board {
    final Map<Decision, LongAdder> decisions = new EnumMap<>(Decision.class);
    volatile String lastError;
    volatile Instant lastErrorAt;
    volatile Instant loggedAt;
    final AtomicLong unlogged = new AtomicLong();

    Board() {
      for (Decision decision : Decision.values()) {
        decisions.put(decision, new LongAdder());
      }
    }
  }
}
