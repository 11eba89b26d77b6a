package io.llmxds.cp.verify;

/**
 * The compiled {@code validate.rules} of one value (a field, a list item, a map key or map value). Compiled once per
 * field descriptor; {@link #check} only compares and reports.
 */
interface ValueRule {

  /** @param value as protobuf reflection returns it (boxed scalar, String, ByteString, enum descriptor, message) */
  void check(Object value, Findings findings);

  /** Both rules, in order; either may be null (no rule). */
  static ValueRule both(ValueRule first, ValueRule second) {
    if (first == null) {
      return second;
    }
    if (second == null) {
      return first;
    }
    return (value, findings) -> {
      first.check(value, findings);
      second.check(value, findings);
    };
  }
}
