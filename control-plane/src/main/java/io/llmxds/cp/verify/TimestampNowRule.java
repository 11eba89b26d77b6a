package io.llmxds.cp.verify;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.envoyproxy.pgv.validate.Validate.TimestampRules;

/** The timestamp rules relative to the moment of the check: lt_now, gt_now and within. */
record TimestampNowRule(String name, TimestampRules rules) implements ValueRule {

  static ValueRule of(String name, TimestampRules rules) {
    return rules.getLtNow() || rules.getGtNow() || rules.hasWithin() ? new TimestampNowRule(name, rules) : null;
  }

  @Override
  public void check(Object value, Findings findings) {
    Timestamp t = (Timestamp) value;
    Timestamp now = Timestamps.fromMillis(System.currentTimeMillis());
    if (rules.getLtNow() && Timestamps.compare(t, now) >= 0) {
      findings.add(name + " {lt_now: true}", t);
    }
    if (rules.getGtNow() && Timestamps.compare(t, now) <= 0) {
      findings.add(name + " {gt_now: true}", t);
    }
    if (rules.hasWithin() && outside(Timestamps.between(now, t), rules.getWithin())) {
      findings.add(name + " {within: " + Durations.toString(rules.getWithin()) + "}", t);
    }
  }

  /** |offset| > within */
  private static boolean outside(Duration offset, Duration within) {
    Duration magnitude = Durations.isNegative(offset) ? Durations.subtract(Durations.ZERO, offset) : offset;
    return Durations.compare(magnitude, within) > 0;
  }
}
