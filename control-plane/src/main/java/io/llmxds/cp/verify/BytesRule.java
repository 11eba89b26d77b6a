package io.llmxds.cp.verify;

import com.google.protobuf.ByteString;
import io.envoyproxy.pgv.validate.Validate.BytesRules;
import io.envoyproxy.pgv.validate.Validate.StringRules;
import java.nio.charset.StandardCharsets;

/**
 * The bytes rules (const, len/min_len/max_len, pattern, prefix, suffix, contains, in, not_in, ignore_empty), checked
 * as the string rules over the bytes read as ISO-8859-1: one char per byte, so lengths count bytes and comparisons
 * are bytewise. The ip/ipv4/ipv6 formats are not read: no Envoy field uses them.
 */
final class BytesRule implements ValueRule {

  private final StringRule asString;

  private BytesRule(StringRule asString) {
    this.asString = asString;
  }

  static BytesRule of(String name, BytesRules rules) {
    StringRules.Builder text = StringRules.newBuilder().setIgnoreEmpty(rules.getIgnoreEmpty());
    if (rules.hasConst()) {
      text.setConst(latin1(rules.getConst()));
    }
    if (rules.hasLen()) {
      text.setLen(rules.getLen());
    }
    if (rules.hasMinLen()) {
      text.setMinLen(rules.getMinLen());
    }
    if (rules.hasMaxLen()) {
      text.setMaxLen(rules.getMaxLen());
    }
    if (rules.hasPattern()) {
      text.setPattern(rules.getPattern());
    }
    if (rules.hasPrefix()) {
      text.setPrefix(latin1(rules.getPrefix()));
    }
    if (rules.hasSuffix()) {
      text.setSuffix(latin1(rules.getSuffix()));
    }
    if (rules.hasContains()) {
      text.setContains(latin1(rules.getContains()));
    }
    rules.getInList().forEach(b -> text.addIn(latin1(b)));
    rules.getNotInList().forEach(b -> text.addNotIn(latin1(b)));
    return new BytesRule(StringRule.of(name, text.build()));
  }

  @Override
  public void check(Object value, Findings findings) {
    asString.check(latin1((ByteString) value), value, findings);
  }

  private static String latin1(ByteString bytes) {
    return bytes.toString(StandardCharsets.ISO_8859_1);
  }
}
