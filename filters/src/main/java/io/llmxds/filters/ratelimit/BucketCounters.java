package io.llmxds.filters.ratelimit;

import io.llmxds.filters.store.LuaScript;
import io.llmxds.filters.store.ScriptedStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The counters of one bucket (one hash tag), checked and counted by one Lua script, atomically: Redis runs a script
 * alone, so between its reads and its writes no other check of the bucket runs, on any replica.
 *
 * <p>{@code check} admits when every rule admits — a counted rule ({@code add > 0}, requests) when {@code value + add
 * <= amount}, a checked rule ({@code add == 0}, tokens and money, charged later) when {@code value < amount} — and only
 * then adds: <b>a refused request is not counted</b>. {@code charge} adds to every counter and refuses nothing. A
 * counter gets its TTL (the rest of its window plus {@link #SLACK}) when it is created; its key names its window, so
 * the next window starts at zero without any reset.
 */
final class BucketCounters {
  /** How long a counter outlives its window: covers replicas whose clocks disagree by up to this much. */
  static final Duration SLACK = Duration.ofSeconds(60);

  // ARGV[1] = check | charge; then per key: amount, add, ttl in ms. Returns {admitted, value per key after adding}.
  static final LuaScript SCRIPT = LuaScript.of(String.join("\n",
      "local charge = ARGV[1] == 'charge'",
      "local values = {}",
      "local admitted = 1",
      "for i, key in ipairs(KEYS) do",
      "  local amount = tonumber(ARGV[3 * i - 1])",
      "  local add = tonumber(ARGV[3 * i])",
      "  local value = tonumber(redis.call('GET', key) or '0')",
      "  values[i] = value",
      "  if not charge and ((add > 0 and value + add > amount) or (add == 0 and value >= amount)) then",
      "    admitted = 0",
      "  end",
      "end",
      "if admitted == 1 then",
      "  for i, key in ipairs(KEYS) do",
      "    local add = tonumber(ARGV[3 * i])",
      "    if add > 0 then",
      "      values[i] = redis.call('INCRBY', key, add)",
      "      if redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, ARGV[3 * i + 1]) end",
      "    end",
      "  end",
      "end",
      "local out = {admitted}",
      "for i = 1, #values do out[i + 1] = values[i] end",
      "return out"));

  /** One rule of the bucket and what this call adds to its counter. */
  record Counted(LimitRule rule, long add) {}

  /**
   * What the script saw.
   *
   * @param values each rule's counter after the call (before it when refused), in the order given
   */
  record Result(boolean admitted, List<Long> values) {}

  private BucketCounters() {}

  static CompletableFuture<Result> check(ScriptedStore store, String bucket, List<Counted> rules, Instant now) {
    return run(store, "check", bucket, rules, now);
  }

  static CompletableFuture<Result> charge(ScriptedStore store, String bucket, List<Counted> rules, Instant now) {
    return run(store, "charge", bucket, rules, now);
  }

  private static CompletableFuture<Result> run(ScriptedStore store, String mode, String bucket, List<Counted> rules,
      Instant now) {
    List<String> keys = new ArrayList<>();
    List<String> args = new ArrayList<>();
    args.add(mode);
    for (Counted counted : rules) {
      keys.add(CounterKeys.key(bucket, counted.rule(), now));
      args.add(Long.toString(counted.rule().amount()));
      args.add(Long.toString(counted.add()));
      args.add(Long.toString(Duration.between(now, counted.rule().window().end(now)).plus(SLACK).toMillis()));
    }
    return store.run(SCRIPT, keys, args)
        .thenApply(out -> new Result(out.get(0) == 1L, List.copyOf(out.subList(1, out.size()))));
  }
}
