package io.llmxds.cp.verify;

/**
 * PGV's well-known header expressions (templates/goshared/known.go) as character loops. They are checked on every
 * header and metadata value of a snapshot; the profiler put re2j at a fifth of the rules check, a loop costs next
 * to nothing. {@code HeaderSyntaxTest} proves each loop equal to its expression.
 */
enum HeaderSyntax {
  /** {@code ^:?[0-9a-zA-Z!#$%&'*+-.^_|~\x60]+$} ("+-." is a range, so ',' passes, as in Envoy). */
  NAME("^:?[0-9a-zA-Z!#$%&'*+-.^_|~\\x60]+$") {
    @Override
    boolean matches(String s) {
      int start = s.startsWith(":") ? 1 : 0;
      if (s.length() == start) {
        return false;
      }
      for (int i = start; i < s.length(); i++) {
        if (!nameChar(s.charAt(i))) {
          return false;
        }
      }
      return true;
    }
  },
  /** {@code ^[^\x00-\x08\x0A-\x1F\x7F]*$}. */
  VALUE("^[^\\x00-\\x08\\x0A-\\x1F\\x7F]*$") {
    @Override
    boolean matches(String s) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c <= 0x08 || (c >= 0x0A && c <= 0x1F) || c == 0x7F) {
          return false;
        }
      }
      return true;
    }
  },
  /** {@code ^[^\x00\x0A\x0D]*$}: what {@code strict: false} relaxes both to. */
  LENIENT("^[^\\x00\\x0A\\x0D]*$") {
    @Override
    boolean matches(String s) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == 0x00 || c == 0x0A || c == 0x0D) {
          return false;
        }
      }
      return true;
    }
  };

  private final String expression;

  HeaderSyntax(String expression) {
    this.expression = expression;
  }

  abstract boolean matches(String s);

  /** The PGV expression this loop implements. */
  String expression() {
    return expression;
  }

  private static boolean nameChar(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '+' && c <= '.') || "!#$%&'*^_|~`".indexOf(c) >= 0;
  }
}
