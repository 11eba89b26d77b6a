package io.llmxds.cp.envoy;

/** What {@code envoy --mode validate} said of a bootstrap; any output is already scrubbed of the secrets it held. */
public sealed interface EnvoyVerdict {

  /** Envoy printed {@code configuration '<file>' OK} and exited 0 (config_validation/server.cc:38-41). */
  record Accepted(String description) implements EnvoyVerdict {}

  /**
   * Envoy refused the config: {@code message} is its own, the text after {@code error initializing configuration
   * '<file>': } (config_validation/server.cc:70-71), and {@code output} everything it printed.
   */
  record Rejected(String description, String message, String output) implements EnvoyVerdict {}

  /** Envoy could not be run or gave no verdict: {@code reason} says precisely why (never a pass). */
  record CannotRun(String reason) implements EnvoyVerdict {}
}
