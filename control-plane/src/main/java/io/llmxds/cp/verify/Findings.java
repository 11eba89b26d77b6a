package io.llmxds.cp.verify;

/** Where a rule reports that the value at the current path breaks it. */
interface Findings {

  /**
   * @param rule the broken rule as Envoy's proto spells it, e.g. {@code string {min_len: 1}}
   * @param value the offending value (shown, or redacted when the field is sensitive)
   */
  void add(String rule, Object value);
}
