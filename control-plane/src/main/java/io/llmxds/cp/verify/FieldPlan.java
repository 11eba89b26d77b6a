package io.llmxds.cp.verify;

import com.google.protobuf.Descriptors.FieldDescriptor;
import io.envoyproxy.pgv.validate.Validate;
import io.envoyproxy.pgv.validate.Validate.FieldRules;
import io.llmxds.cp.translate.SensitiveFields;

/**
 * What the walk does with one field, compiled once from its {@code validate.rules}.
 *
 * @param requiredRule the rule text when an unset value is a violation ({@code message}/{@code duration}/
 *     {@code timestamp}/{@code any} {@code {required: true}}), else null
 * @param value the rule of the value (of each item; of each map value), or null
 * @param key the rule of each map key, or null
 * @param shape the size/uniqueness rule of a repeated or map field, or null
 * @param skip {@code message {skip: true}}: do not look inside the message value(s)
 * @param sensitive the value is a secret ({@code udpa.annotations.sensitive}): errors show {@code <redacted>}
 */
record FieldPlan(FieldDescriptor field, String requiredRule, ValueRule value, ValueRule key, CollectionRule shape,
    boolean skip, boolean sensitive) {

  static FieldPlan of(FieldDescriptor field) {
    FieldRules rules = field.getOptions().getExtension(Validate.rules);
    boolean sensitive = SensitiveFields.isSensitive(field);
    if (field.isMapField()) {
      FieldRules keys = rules.getMap().getKeys();
      FieldRules values = rules.getMap().getValues();
      return new FieldPlan(field, null, ValueRules.compile(values, "map.values."),
          ValueRules.compile(keys, "map.keys."), CollectionRule.of(rules), values.getMessage().getSkip(), sensitive);
    }
    if (field.isRepeated()) {
      FieldRules items = rules.getRepeated().getItems();
      return new FieldPlan(field, null, ValueRules.compile(items, "repeated.items."), null, CollectionRule.of(rules),
          items.getMessage().getSkip(), sensitive);
    }
    return new FieldPlan(field, requiredRule(rules), ValueRules.compile(rules, ""), null, null,
        rules.getMessage().getSkip(), sensitive);
  }

  /** Whether this field can break a rule at all: it has rules of its own, or its messages may hold some. */
  boolean matters() {
    return requiredRule != null || value != null || key != null || shape != null
        || (!skip && MessagePlan.mayHoldRules(field));
  }

  private static String requiredRule(FieldRules rules) {
    if (rules.getMessage().getRequired()) {
      return "message {required: true}";
    }
    return switch (rules.getTypeCase()) {
      case DURATION -> rules.getDuration().getRequired() ? "duration {required: true}" : null;
      case TIMESTAMP -> rules.getTimestamp().getRequired() ? "timestamp {required: true}" : null;
      case ANY -> rules.getAny().getRequired() ? "any {required: true}" : null;
      default -> null;
    };
  }
}
