package io.llmxds.cp.verify;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.envoyproxy.pgv.validate.Validate.FieldRules;
import java.util.HashSet;
import java.util.Set;

/**
 * The shape of a repeated or map field: min/max items (pairs), unique items, ignore_empty. Item, key and value rules
 * are {@link ValueRule}s of the field's {@link FieldPlan}. ({@code no_sparse} cannot be broken in Java: a map entry
 * without a value parses as the default message.)
 */
final class CollectionRule {

  private final long min;
  private final long max;
  private final boolean unique;
  private final boolean ignoreEmpty;
  private final String minRule;
  private final String maxRule;
  private final String uniqueRule;
  private final String unit;

  private CollectionRule(long min, long max, boolean unique, boolean ignoreEmpty, String kind, String unit) {
    this.min = min;
    this.max = max;
    this.unique = unique;
    this.ignoreEmpty = ignoreEmpty;
    minRule = kind + " {min_" + unit + ": " + Long.toUnsignedString(min) + "}";
    maxRule = kind + " {max_" + unit + ": " + Long.toUnsignedString(max) + "}";
    uniqueRule = kind + " {unique: true}";
    this.unit = unit;
  }

  /** The shape rule of a repeated or map field, or null when {@code rules} sets none. */
  static CollectionRule of(FieldRules rules) {
    if (rules.hasRepeated()) {
      var r = rules.getRepeated();
      return new CollectionRule(r.getMinItems(), r.hasMaxItems() ? r.getMaxItems() : -1L, r.getUnique(),
          r.getIgnoreEmpty(), "repeated", "items");
    }
    if (rules.hasMap()) {
      var r = rules.getMap();
      return new CollectionRule(r.getMinPairs(), r.hasMaxPairs() ? r.getMaxPairs() : -1L, false, r.getIgnoreEmpty(),
          "map", "pairs");
    }
    return null;
  }

  /** Checks the {@code count} items of {@code field} in {@code message}; the path is at the field. */
  void check(Message message, FieldDescriptor field, int count, Findings findings) {
    if (ignoreEmpty && count == 0) {
      return;
    }
    if (Long.compareUnsigned(count, min) < 0) {
      findings.add(minRule, new ShownValue.Text(count + " " + unit));
    }
    if (Long.compareUnsigned(count, max) > 0) {
      findings.add(maxRule, new ShownValue.Text(count + " " + unit));
    }
    if (unique) {
      Set<Object> seen = new HashSet<>();
      for (int i = 0; i < count; i++) {
        Object item = message.getRepeatedField(field, i);
        if (!seen.add(item)) {
          findings.add(uniqueRule, item);
        }
      }
    }
  }
}
