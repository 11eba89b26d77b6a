package io.llmxds.cp.verify;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.envoyproxy.pgv.validate.Validate.FieldRules;
import java.util.Locale;

/** Compiles the type-specific part of one {@code FieldRules} into a {@link ValueRule}. */
final class ValueRules {

  private ValueRules() {}

  /**
   * The rule for one value, or null when {@code rules} constrains none (or only list/map shape, which
   * {@link CollectionRule} reads).
   *
   * @param prefix where the rules sit, as errors show it: "" for a field, {@code repeated.items.}, {@code map.keys.}
   */
  static ValueRule compile(FieldRules rules, String prefix) {
    String name = prefix + rules.getTypeCase().name().toLowerCase(Locale.ROOT);
    return switch (rules.getTypeCase()) {
      case INT32, INT64, SINT32, SINT64, SFIXED32, SFIXED64 -> ordered(Ordered.SIGNED, name, rules);
      case UINT32, FIXED32 -> ordered(Ordered.UNSIGNED32, name, rules);
      case UINT64, FIXED64 -> ordered(Ordered.UNSIGNED64, name, rules);
      case FLOAT, DOUBLE -> ordered(Ordered.FLOATING, name, rules);
      case DURATION -> OrderedRule.of(Ordered.DURATION, name, rules.getDuration());
      case TIMESTAMP -> ValueRule.both(OrderedRule.of(Ordered.TIMESTAMP, name, rules.getTimestamp()),
          TimestampNowRule.of(name, rules.getTimestamp()));
      case STRING -> StringRule.of(name, rules.getString());
      case BYTES -> BytesRule.of(name, rules.getBytes());
      case ENUM -> new EnumRule(name, rules.getEnum());
      case BOOL -> rules.getBool().hasConst() ? boolConst(name, rules.getBool().getConst()) : null;
      case ANY -> anyTypes(name, rules);
      case REPEATED, MAP, TYPE_NOT_SET -> null;
    };
  }

  private static ValueRule ordered(Ordered kind, String name, FieldRules rules) {
    return OrderedRule.of(kind, name,
        (Message) rules.getField(FieldRules.getDescriptor().findFieldByNumber(rules.getTypeCase().getNumber())));
  }

  private static ValueRule boolConst(String name, boolean constant) {
    String rule = name + " {const: " + constant + "}";
    return (value, findings) -> {
      if ((Boolean) value != constant) {
        findings.add(rule, value);
      }
    };
  }

  /** in / not_in of an {@code Any}'s type URL; {@code required} is the walk's, as for every message. */
  private static ValueRule anyTypes(String name, FieldRules rules) {
    var any = rules.getAny();
    if (any.getInCount() == 0 && any.getNotInCount() == 0) {
      return null;
    }
    String inRule = name + " {in: " + any.getInList() + "}";
    String notInRule = name + " {not_in: " + any.getNotInList() + "}";
    return (value, findings) -> {
      String type = ((Any) value).getTypeUrl();
      if (any.getInCount() > 0 && !any.getInList().contains(type)) {
        findings.add(inRule, type);
      }
      if (any.getNotInList().contains(type)) {
        findings.add(notInRule, type);
      }
    };
  }
}
