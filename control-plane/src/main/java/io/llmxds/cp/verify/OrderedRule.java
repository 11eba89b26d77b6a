package io.llmxds.cp.verify;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * const, lt/lte/gt/gte, in, not_in and ignore_empty of any numeric type, durations and timestamps. Every PGV rule
 * message for these kinds names its fields alike, so they are read by name and compared in one {@link Ordered} form.
 * A range follows PGV: with both bounds and the upper above the lower the value must lie inside; otherwise (an
 * inverted pair) it must lie outside.
 */
final class OrderedRule implements ValueRule {

  private final Ordered kind;
  private final Object constant;
  private final String constRule;
  private final Object upper;
  private final boolean upperInclusive;
  private final Object lower;
  private final boolean lowerInclusive;
  private final boolean inside;
  private final String rangeRule;
  private final List<Object> in;
  private final String inRule;
  private final List<Object> notIn;
  private final String notInRule;
  private final boolean ignoreEmpty;

  private OrderedRule(Ordered kind, String name, Message rules) {
    this.kind = kind;
    constant = normalized(rules, "const");
    constRule = constant == null ? null : name + " {const: " + kind.show(constant) + "}";
    Object lt = normalized(rules, "lt");
    upper = lt != null ? lt : normalized(rules, "lte");
    upperInclusive = lt == null;
    Object gt = normalized(rules, "gt");
    lower = gt != null ? gt : normalized(rules, "gte");
    lowerInclusive = gt == null;
    inside = upper == null || lower == null || kind.compare(upper, lower) > 0;
    rangeRule = upper == null && lower == null ? null : name + " {" + bounds() + "}";
    in = normalizedList(rules, "in");
    inRule = name + " {in: " + shown(in) + "}";
    notIn = normalizedList(rules, "not_in");
    notInRule = name + " {not_in: " + shown(notIn) + "}";
    ignoreEmpty = Boolean.TRUE.equals(field(rules, "ignore_empty"));
  }

  /** The rule for {@code rules} (FloatRules … DurationRules, TimestampRules), or null when it sets nothing. */
  static ValueRule of(Ordered kind, String name, Message rules) {
    OrderedRule rule = new OrderedRule(kind, name, rules);
    boolean any = rule.constant != null || rule.rangeRule != null || !rule.in.isEmpty() || !rule.notIn.isEmpty();
    return any ? rule : null;
  }

  @Override
  public void check(Object value, Findings findings) {
    Object v = kind.normalize(value);
    if (ignoreEmpty && kind.isZero(v)) {
      return;
    }
    if (constant != null && kind.compare(v, constant) != 0) {
      findings.add(constRule, shown(v));
    }
    if (rangeRule != null && !inRange(v)) {
      findings.add(rangeRule, shown(v));
    }
    if (!in.isEmpty() && !contains(in, v)) {
      findings.add(inRule, shown(v));
    }
    if (contains(notIn, v)) {
      findings.add(notInRule, shown(v));
    }
  }

  private boolean inRange(Object v) {
    boolean belowUpper = upper == null || (upperInclusive ? kind.compare(v, upper) <= 0 : kind.compare(v, upper) < 0);
    boolean aboveLower = lower == null || (lowerInclusive ? kind.compare(v, lower) >= 0 : kind.compare(v, lower) > 0);
    return inside ? belowUpper && aboveLower : belowUpper || aboveLower;
  }

  private boolean contains(List<Object> values, Object v) {
    for (Object candidate : values) {
      if (kind.compare(candidate, v) == 0) {
        return true;
      }
    }
    return false;
  }

  private String bounds() {
    StringJoiner parts = new StringJoiner(", ");
    if (lower != null) {
      parts.add((lowerInclusive ? "gte: " : "gt: ") + kind.show(lower));
    }
    if (upper != null) {
      parts.add((upperInclusive ? "lte: " : "lt: ") + kind.show(upper));
    }
    return parts.toString();
  }

  private ShownValue.Text shown(Object normalized) {
    return new ShownValue.Text(kind.show(normalized));
  }

  private String shown(List<Object> values) {
    StringJoiner list = new StringJoiner(", ", "[", "]");
    values.forEach(v -> list.add(kind.show(v)));
    return list.toString();
  }

  private Object normalized(Message rules, String name) {
    Object value = field(rules, name);
    return value == null ? null : kind.normalize(value);
  }

  private List<Object> normalizedList(Message rules, String name) {
    List<Object> values = new ArrayList<>();
    if (field(rules, name) instanceof List<?> list) {
      list.forEach(v -> values.add(kind.normalize(v)));
    }
    return List.copyOf(values);
  }

  /** A set field of {@code rules} by name (a list for repeated fields), or null. */
  private static Object field(Message rules, String name) {
    FieldDescriptor field = rules.getDescriptorForType().findFieldByName(name);
    if (field == null) {
      return null;
    }
    if (field.isRepeated()) {
      return rules.getField(field);
    }
    return rules.hasField(field) ? rules.getField(field) : null;
  }
}
