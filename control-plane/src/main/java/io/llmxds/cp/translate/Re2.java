package io.llmxds.cp.translate;

import java.util.Collection;
import java.util.stream.Collectors;

/** RE2 patterns (Envoy's {@code safe_regex}) made of literal strings. */
final class Re2 {

  private Re2() {}

  /**
   * A pattern that matches exactly one of {@code literals}, whole: {@code ^(?:a|b)$}. Envoy already matches
   * {@code safe_regex} against the whole value; the anchors make that explicit in rendered config.
   */
  static String anyOf(Collection<String> literals) {
    return literals.stream().map(Re2::quote).collect(Collectors.joining("|", "^(?:", ")$"));
  }

  /** {@code literal} with every ASCII punctuation character escaped (RE2 reads {@code \} + punctuation literally). */
  static String quote(String literal) {
    StringBuilder quoted = new StringBuilder(literal.length() + 8);
    literal.codePoints().forEach(c -> {
      if (c < 0x80 && !Character.isLetterOrDigit(c) && c != '_' && c > ' ' && c != 0x7f) {
        quoted.append('\\');
      }
      quoted.appendCodePoint(c);
    });
    return quoted.toString();
  }
}
