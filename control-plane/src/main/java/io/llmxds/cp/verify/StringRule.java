package io.llmxds.cp.verify;

import com.google.re2j.Pattern;
import io.envoyproxy.pgv.validate.Validate.KnownRegex;
import io.envoyproxy.pgv.validate.Validate.StringRules;
import java.util.List;

/**
 * The string rules: const, len/min_len/max_len (code points), len_bytes/min_bytes/max_bytes (UTF-8), pattern (RE2,
 * unanchored like PGV's {@code MatchString}), prefix, suffix, contains, not_contains, in, not_in, ignore_empty and the
 * well-known header regexes. The formats email/hostname/ip/uri/address/uuid are not read: no Envoy field uses them
 * (see docs/verification.md).
 */
final class StringRule implements ValueRule {

  private final StringRules rules;
  private final String name;
  private final Pattern pattern;
  private final HeaderSyntax wellKnown;
  private final String wellKnownRule;

  private StringRule(String name, StringRules rules) {
    this.rules = rules;
    this.name = name;
    pattern = rules.hasPattern() ? Pattern.compile(rules.getPattern()) : null;
    if (rules.hasWellKnownRegex() && rules.getWellKnownRegex() != KnownRegex.UNKNOWN) {
      wellKnown = !rules.getStrict() ? HeaderSyntax.LENIENT
          : rules.getWellKnownRegex() == KnownRegex.HTTP_HEADER_NAME ? HeaderSyntax.NAME : HeaderSyntax.VALUE;
      wellKnownRule = rule("well_known_regex",
          rules.getWellKnownRegex() + (rules.getStrict() ? "" : ", strict: false"));
    } else {
      wellKnown = null;
      wellKnownRule = null;
    }
  }

  /** The rule for {@code rules}; {@code name} is how errors call it, e.g. {@code string} or {@code bytes}. */
  static StringRule of(String name, StringRules rules) {
    return new StringRule(name, rules);
  }

  @Override
  public void check(Object value, Findings findings) {
    check((String) value, value, findings);
  }

  /** Checks {@code s}; a violation shows {@code shown}, the field's own value (the bytes {@code s} was read from). */
  void check(String s, Object shown, Findings findings) {
    if (rules.getIgnoreEmpty() && s.isEmpty()) {
      return;
    }
    if (rules.hasConst() && !s.equals(rules.getConst())) {
      findings.add(rule("const", ShownValue.quoted(rules.getConst())), shown);
    }
    if (rules.hasLen() || rules.hasMinLen() || rules.hasMaxLen()) {
      long length = s.codePointCount(0, s.length());
      bound(rules.hasLen() && length != rules.getLen(), "len", rules.getLen(), shown, findings);
      bound(rules.hasMinLen() && length < rules.getMinLen(), "min_len", rules.getMinLen(), shown, findings);
      bound(rules.hasMaxLen() && length > rules.getMaxLen(), "max_len", rules.getMaxLen(), shown, findings);
    }
    if (rules.hasLenBytes() || rules.hasMinBytes() || rules.hasMaxBytes()) {
      long bytes = utf8Length(s);
      bound(rules.hasLenBytes() && bytes != rules.getLenBytes(), "len_bytes", rules.getLenBytes(), shown, findings);
      bound(rules.hasMinBytes() && bytes < rules.getMinBytes(), "min_bytes", rules.getMinBytes(), shown, findings);
      bound(rules.hasMaxBytes() && bytes > rules.getMaxBytes(), "max_bytes", rules.getMaxBytes(), shown, findings);
    }
    if (pattern != null && !pattern.matcher(s).find()) {
      findings.add(rule("pattern", ShownValue.quoted(rules.getPattern())), shown);
    }
    if (rules.hasPrefix() && !s.startsWith(rules.getPrefix())) {
      findings.add(rule("prefix", ShownValue.quoted(rules.getPrefix())), shown);
    }
    if (rules.hasSuffix() && !s.endsWith(rules.getSuffix())) {
      findings.add(rule("suffix", ShownValue.quoted(rules.getSuffix())), shown);
    }
    if (rules.hasContains() && !s.contains(rules.getContains())) {
      findings.add(rule("contains", ShownValue.quoted(rules.getContains())), shown);
    }
    if (rules.hasNotContains() && s.contains(rules.getNotContains())) {
      findings.add(rule("not_contains", ShownValue.quoted(rules.getNotContains())), shown);
    }
    if (rules.getInCount() > 0 && !rules.getInList().contains(s)) {
      findings.add(rule("in", quoted(rules.getInList())), shown);
    }
    if (rules.getNotInList().contains(s)) {
      findings.add(rule("not_in", quoted(rules.getNotInList())), shown);
    }
    if (wellKnown != null && !wellKnown.matches(s)) {
      findings.add(wellKnownRule, shown);
    }
  }

  private void bound(boolean broken, String constraint, long limit, Object shown, Findings findings) {
    if (broken) {
      findings.add(rule(constraint, Long.toUnsignedString(limit)), shown);
    }
  }

  private String rule(String constraint, String limit) {
    return name + " {" + constraint + ": " + limit + "}";
  }

  private static String quoted(List<String> values) {
    return values.stream().map(ShownValue::quoted).toList().toString();
  }

  /** The UTF-8 length of {@code s}, without encoding it. */
  static long utf8Length(String s) {
    long bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
