package io.llmxds.cp.verify.load;

/**
 * One check Envoy makes in C++ when it builds a resource it received over xDS (a constructor or config factory that
 * returns an error, which Envoy turns into a NACK), mirrored here so that the verify stage finds it before a push.
 * A rule marked as llm-xds's own instead rejects what Envoy would accept and silently ignore (dead config).
 */
interface LoadTimeRule {

  /**
   * Where Envoy v1.34.0 makes the check (or ignores the config): {@code <path>:<line>} or
   * {@code <path>:<from>-<to>}.
   */
  String citation();

  /** Adds one problem for every place in {@code config} that breaks the rule. */
  void check(LoadedConfig config, LoadProblems problems);
}
