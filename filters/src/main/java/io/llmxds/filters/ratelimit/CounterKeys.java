package io.llmxds.filters.ratelimit;

import java.time.Instant;
import java.util.Optional;

/**
 * The Redis key of a rule's counter: {@code llmxds:rl:{<limit>|<target>|<bucket>}:<unit>:<window>:<index>}. The hash
 * tag is the bucket, so every counter one request touches in one bucket is in one Redis Cluster slot and one script
 * checks and counts them together. The key names the limit, target, bucket, unit and window — never the config or
 * limit version nor the amount — so a config push (even one that changes the amount) keeps every counter.
 *
 * <p>A consumer name may contain braces: Redis ends a hash tag at the first {@code }} after the first {@code {}, and
 * every key of one bucket shares the same prefix up to the bucket's end, so they still share a tag.
 */
final class CounterKeys {
  static final String PREFIX = "llmxds:rl:";
  private static final String ANONYMOUS = "anonymous";

  private CounterKeys() {}

  /** The bucket a rule counts {@code consumer} in: its own, or the target's shared one. */
  static String bucket(GlobalLimit limit, LimitTarget target, LimitRule.Bucket bucket, Optional<String> consumer) {
    String who = bucket == LimitRule.Bucket.SHARED ? "shared" : consumer.map(c -> "c=" + c).orElse(ANONYMOUS);
    return limit.name() + "|" + target.keyPart() + "|" + who;
  }

  static String key(String bucket, LimitRule rule, Instant now) {
    return PREFIX + "{" + bucket + "}:" + rule.unit().wire() + ":" + rule.window().id() + ":"
        + rule.window().index(now);
  }
}
