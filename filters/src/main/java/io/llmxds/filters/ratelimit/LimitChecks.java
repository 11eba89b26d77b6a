package io.llmxds.filters.ratelimit;

import io.llmxds.filters.config.DataPathSnapshot;
import io.llmxds.filters.store.ScriptedStore;
import io.llmxds.filters.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * What a descriptor does to a limit's counters under one snapshot: a request descriptor is checked (and counted when
 * admitted), a stream-done charge added. A target's rules are grouped by bucket, one script call per bucket; when a
 * target mixes {@code consumer} and {@code shared} rules the consumer's bucket is checked first, and a request it
 * admits that the shared bucket then refuses stays counted in it (two slots cannot share one script on Redis Cluster).
 */
final class LimitChecks {
  private final LimitTelemetry telemetry;

  LimitChecks(LimitTelemetry telemetry) {
    this.telemetry = telemetry;
  }

  /** The limit and target a descriptor's request is subject to; empty: none (unknown limit, route not covered…). */
  private Optional<Map.Entry<GlobalLimit, LimitTarget>> applying(DataPathSnapshot snapshot, LimitDescriptor d) {
    GlobalLimit limit = snapshot.limits().get(d.limit());
    if (limit == null) {
      telemetry.unknownLimit(d.limit(), snapshot.config());
      return Optional.empty();
    }
    if (!limit.modelRoutes().contains(d.route())) {
      return Optional.empty();
    }
    return limit.targetFor(d.consumer(), d.tier()).filter(target -> !target.unlimited())
        .map(target -> Map.entry(limit, target));
  }

  /**
   * The verdict on a request descriptor, once the store answered: buckets are checked one after the other (consumer
   * first), and a refusing bucket ends the check. A store failure becomes the limit's failure mode's verdict.
   */
  CompletableFuture<Verdict> check(DataPathSnapshot snapshot, LimitDescriptor d, Instant now) {
    Optional<Map.Entry<GlobalLimit, LimitTarget>> applying = applying(snapshot, d);
    if (applying.isEmpty()) {
      return CompletableFuture.completedFuture(Verdict.notLimited(d));
    }
    GlobalLimit limit = applying.get().getKey();
    List<Map.Entry<String, List<BucketCounters.Counted>>> buckets =
        List.copyOf(buckets(limit, applying.get().getValue(), d, now, null).entrySet());
    List<RuleState> states = new ArrayList<>(); // filled stage after stage, each after the one before
    return checkFrom(store(snapshot, limit), buckets, 0, states, now).handle((admitted, error) -> {
      if (error != null) {
        telemetry.storeFailed(limit, storeFailure(error));
        Decision failed = limit.failureMode() == GlobalLimit.FailureMode.OPEN || !limit.enforce()
            ? Decision.ERROR_OPEN : Decision.ERROR_CLOSED;
        return new Verdict(d, Optional.of(limit), failed, List.of());
      }
      Decision decision = admitted ? Decision.OK : limit.enforce() ? Decision.OVER_LIMIT : Decision.WOULD_REFUSE;
      return new Verdict(d, Optional.of(limit), decision, List.copyOf(states));
    });
  }

  /** Checks {@code buckets} from the {@code i}th on; completes with whether all of them admitted. */
  private static CompletableFuture<Boolean> checkFrom(ScriptedStore store,
      List<Map.Entry<String, List<BucketCounters.Counted>>> buckets, int i, List<RuleState> states, Instant now) {
    if (i == buckets.size()) {
      return CompletableFuture.completedFuture(true);
    }
    List<BucketCounters.Counted> rules = buckets.get(i).getValue();
    return BucketCounters.check(store, buckets.get(i).getKey(), rules, now).thenCompose(result -> {
      for (int r = 0; r < rules.size(); r++) {
        BucketCounters.Counted counted = rules.get(r);
        long value = result.values().get(r);
        boolean over = !result.admitted() && (counted.add() > 0 ? value + counted.add() > counted.rule().amount()
            : value >= counted.rule().amount());
        states.add(new RuleState(counted.rule(), value, over, Duration.between(now, counted.rule().window().end(now))));
      }
      // the other buckets are not counted for a refused request
      return result.admitted()
          ? checkFrom(store, buckets, i + 1, states, now)
          : CompletableFuture.completedFuture(false);
    });
  }

  /**
   * Adds an answer's tokens, and their cost through the limit's price table, to the limit's token and money counters;
   * refuses nothing. Completes with the charge and its cost once the store answered (or failed); empty when the limit
   * does not apply.
   */
  CompletableFuture<Optional<Charge>> charge(DataPathSnapshot snapshot, LimitDescriptor d, long inputTokens,
      long outputTokens, Instant now) {
    Optional<Map.Entry<GlobalLimit, LimitTarget>> applying = applying(snapshot, d);
    if (applying.isEmpty()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    GlobalLimit limit = applying.get().getKey();
    Optional<ModelPrice> price = d.model().map(limit.prices()::get);
    if (price.isEmpty() && !limit.prices().isEmpty()) {
      telemetry.unpriced(limit, d.model().orElse(""));
    }
    Charge charge = new Charge(inputTokens, outputTokens,
        price.map(p -> p.nanoDollars(inputTokens, outputTokens)).orElse(0L));
    ScriptedStore store = store(snapshot, limit);
    // The buckets are independent (nothing is refused): charged at once, a failure counted once per charge.
    CompletableFuture<?>[] charged = buckets(limit, applying.get().getValue(), d, now, charge).entrySet().stream()
        .map(bucket -> BucketCounters.charge(store, bucket.getKey(), bucket.getValue(), now))
        .toArray(CompletableFuture<?>[]::new);
    return CompletableFuture.allOf(charged).handle((done, error) -> {
      if (error != null) {
        telemetry.storeFailed(limit, storeFailure(error));
      }
      return Optional.of(charge);
    });
  }

  /** The store's failure behind a failed stage; anything else is a bug, passed on. */
  private static StoreException storeFailure(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof StoreException e) {
      return e;
    }
    throw error instanceof CompletionException completion ? completion : new CompletionException(cause);
  }

  /**
   * The target's rules by bucket, each with what this call adds: at request time {@code hits} to request rules and
   * nothing to the others (only checked); at stream done ({@code charge} set) the charge to token and money rules.
   */
  private static Map<String, List<BucketCounters.Counted>> buckets(GlobalLimit limit, LimitTarget target,
      LimitDescriptor d, Instant now, Charge charge) {
    Map<String, List<BucketCounters.Counted>> buckets = new LinkedHashMap<>();
    for (LimitRule.Bucket kind : LimitRule.Bucket.values()) { // consumer buckets first
      for (LimitRule rule : target.rules()) {
        if (rule.bucket() != kind) {
          continue;
        }
        long add;
        if (charge == null) {
          add = rule.unit().chargedAtStreamDone() ? 0 : d.hits();
        } else if (rule.unit().chargedAtStreamDone() && rule.unit().of(charge) > 0) {
          add = rule.unit().of(charge);
        } else {
          continue;
        }
        buckets.computeIfAbsent(CounterKeys.bucket(limit, target, kind, d.consumer()), b -> new ArrayList<>())
            .add(new BucketCounters.Counted(rule, add));
      }
    }
    return buckets;
  }

  /** The limit's store: the snapshot's assembly checked it is a Redis store (LiveSnapshot). */
  private static ScriptedStore store(DataPathSnapshot snapshot, GlobalLimit limit) {
    return (ScriptedStore) snapshot.stores().get(limit.store());
  }
}
