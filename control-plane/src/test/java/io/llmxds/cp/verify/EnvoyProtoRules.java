package io.llmxds.cp.verify;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import com.google.protobuf.util.Durations;
import io.envoyproxy.pgv.validate.Validate;
import io.envoyproxy.pgv.validate.Validate.FieldRules;
import io.llmxds.cp.translate.EnvoyResources;
import io.llmxds.cp.translate.EnvoyTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A test-side reading of Envoy's {@code validate.rules} (PGV), the rules Envoy checks before it accepts a config:
 * required messages and oneofs, string lengths and header-name patterns, numeric and duration bounds, defined
 * enums, repeated sizes, item rules. An {@code Any} of a type the translation does not know is itself a violation,
 * so nothing escapes the check unread.
 */
public final class EnvoyProtoRules {

  private static final Pattern HEADER_NAME = Pattern.compile("^:?[0-9a-zA-Z!#$%&'*+\\-.^_|~`]+$");
  private static final Pattern HEADER_VALUE = Pattern.compile("^[^\\u0000\\n\\r]*$");
  private static final Set<String> WRAPPERS = Set.of("google.protobuf.UInt32Value", "google.protobuf.UInt64Value",
      "google.protobuf.Int32Value", "google.protobuf.Int64Value", "google.protobuf.BoolValue",
      "google.protobuf.StringValue", "google.protobuf.DoubleValue", "google.protobuf.FloatValue");

  private EnvoyProtoRules() {}

  /** Violations in any resource of a snapshot. */
  public static List<String> violations(EnvoyResources resources) {
    List<Message> all = new ArrayList<>();
    all.addAll(resources.listeners());
    all.addAll(resources.routes());
    all.addAll(resources.clusters());
    all.addAll(resources.endpoints());
    all.addAll(resources.secrets());
    return all.stream().flatMap(m -> violations(m).stream()).toList();
  }

  public static List<String> violations(Message message) {
    List<String> problems = new ArrayList<>();
    check(message, message.getDescriptorForType().getName(), problems);
    return problems;
  }

  private static void check(Message message, String path, List<String> problems) {
    if (message instanceof Any any) {
      EnvoyTypes.unpack(any).ifPresentOrElse(
          inner -> check(inner, path + "<" + inner.getDescriptorForType().getName() + ">", problems),
          () -> problems.add(path + ": Any of unknown type " + any.getTypeUrl()));
      return;
    }
    for (OneofDescriptor oneof : message.getDescriptorForType().getRealOneofs()) {
      if (oneof.getOptions().getExtension(Validate.required) && !message.hasOneof(oneof)) {
        problems.add(path + ": oneof " + oneof.getName() + " is required");
      }
    }
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      if (field.getRealContainingOneof() != null && !message.hasField(field)) {
        continue; // PGV applies a oneof member's rules only when that member is the one set
      }
      String at = path + "." + field.getName();
      FieldRules rules = field.getOptions().getExtension(Validate.rules);
      if (field.isRepeated()) {
        List<?> values = (List<?>) message.getField(field);
        checkRepeated(rules, values.size(), at, problems);
        for (int i = 0; i < values.size(); i++) {
          checkValue(field, rules.getRepeated().getItems(), values.get(i), at + "[" + i + "]", problems);
        }
      } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        if (rules.getMessage().getRequired() || rules.getDuration().getRequired()) {
          if (!message.hasField(field)) {
            problems.add(at + ": required");
          }
        }
        if (message.hasField(field)) {
          checkValue(field, rules, message.getField(field), at, problems);
        }
      } else if (field.hasPresence() && !message.hasField(field)) {
        continue;
      } else {
        checkValue(field, rules, message.getField(field), at, problems);
      }
    }
  }

  private static void checkRepeated(FieldRules rules, int size, String at, List<String> problems) {
    if (rules.getRepeated().hasMinItems() && size < rules.getRepeated().getMinItems()) {
      problems.add(at + ": at least " + rules.getRepeated().getMinItems() + " items");
    }
    if (rules.getRepeated().hasMaxItems() && size > rules.getRepeated().getMaxItems()) {
      problems.add(at + ": at most " + rules.getRepeated().getMaxItems() + " items");
    }
  }

  private static void checkValue(FieldDescriptor field, FieldRules rules, Object value, String at,
      List<String> problems) {
    if (value instanceof Message nested) {
      if (WRAPPERS.contains(nested.getDescriptorForType().getFullName())) {
        Object inner = nested.getField(nested.getDescriptorForType().findFieldByName("value"));
        checkScalar(rules, inner, at, problems);
      } else if (nested instanceof Duration d) {
        checkDuration(rules.getDuration(), d, at, problems);
      } else {
        check(nested, at, problems);
      }
      return;
    }
    if (value instanceof com.google.protobuf.Descriptors.EnumValueDescriptor e) {
      if (rules.getEnum().getDefinedOnly() && e.getIndex() < 0) {
        problems.add(at + ": undefined enum value");
      }
      if (rules.getEnum().getNotInList().contains(e.getNumber())) {
        problems.add(at + ": enum value " + e.getName() + " not allowed");
      }
      return;
    }
    checkScalar(rules, value, at, problems);
  }

  private static void checkScalar(FieldRules rules, Object value, String at, List<String> problems) {
    if (value instanceof String s) {
      checkString(rules.getString(), s, at, problems);
    } else if (value instanceof Boolean b) {
      if (rules.getBool().hasConst() && rules.getBool().getConst() != b) {
        problems.add(at + ": must be " + rules.getBool().getConst());
      }
    } else if (value instanceof Number n) {
      checkNumber(rules, n, at, problems);
    }
  }

  private static void checkString(Validate.StringRules r, String s, String at, List<String> problems) {
    if (r.getIgnoreEmpty() && s.isEmpty()) {
      return;
    }
    long length = s.codePointCount(0, s.length());
    if (r.hasMinLen() && length < r.getMinLen()) {
      problems.add(at + ": shorter than " + r.getMinLen());
    }
    if (r.hasMaxLen() && length > r.getMaxLen()) {
      problems.add(at + ": longer than " + r.getMaxLen());
    }
    if (r.hasMinBytes() && s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < r.getMinBytes()) {
      problems.add(at + ": fewer bytes than " + r.getMinBytes());
    }
    if (r.hasWellKnownRegex()) {
      // strict: false relaxes both header patterns to "no NUL, CR or LF" (PGV's loose header regex).
      Pattern pattern = r.getWellKnownRegex() == Validate.KnownRegex.HTTP_HEADER_NAME && r.getStrict()
          ? HEADER_NAME
          : HEADER_VALUE;
      if (!pattern.matcher(s).matches()) {
        problems.add(at + ": '" + s + "' is not a valid " + r.getWellKnownRegex());
      }
    }
  }

  /** Every numeric rule message has const/lt/lte/gt/gte fields; read them by name and compare as longs. */
  private static void checkNumber(FieldRules rules, Number n, String at, List<String> problems) {
    Message numeric = switch (rules.getTypeCase()) {
      case UINT32 -> rules.getUint32();
      case INT32 -> rules.getInt32();
      case UINT64 -> rules.getUint64();
      case INT64 -> rules.getInt64();
      default -> null;
    };
    if (numeric == null) {
      return;
    }
    long value = rules.getTypeCase() == FieldRules.TypeCase.UINT32 ? Integer.toUnsignedLong(n.intValue())
        : n.longValue();
    for (String bound : List.of("const", "lt", "lte", "gt", "gte")) {
      FieldDescriptor f = numeric.getDescriptorForType().findFieldByName(bound);
      if (!numeric.hasField(f)) {
        continue;
      }
      long limit = rules.getTypeCase() == FieldRules.TypeCase.UINT32
          ? Integer.toUnsignedLong(((Number) numeric.getField(f)).intValue())
          : ((Number) numeric.getField(f)).longValue();
      if (!holds(bound, Long.compare(value, limit))) {
        problems.add(at + ": " + value + " violates " + bound + " " + limit);
      }
    }
  }

  private static void checkDuration(Validate.DurationRules r, Duration d, String at, List<String> problems) {
    if (r.hasGt() && !holds("gt", Durations.compare(d, r.getGt()))) {
      problems.add(at + ": must be > " + Durations.toString(r.getGt()));
    }
    if (r.hasGte() && !holds("gte", Durations.compare(d, r.getGte()))) {
      problems.add(at + ": must be >= " + Durations.toString(r.getGte()));
    }
    if (r.hasLt() && !holds("lt", Durations.compare(d, r.getLt()))) {
      problems.add(at + ": must be < " + Durations.toString(r.getLt()));
    }
    if (r.hasLte() && !holds("lte", Durations.compare(d, r.getLte()))) {
      problems.add(at + ": must be <= " + Durations.toString(r.getLte()));
    }
  }

  private static boolean holds(String bound, int comparison) {
    return switch (bound) {
      case "const" -> comparison == 0;
      case "lt" -> comparison < 0;
      case "lte" -> comparison <= 0;
      case "gt" -> comparison > 0;
      default -> comparison >= 0;
    };
  }
}
