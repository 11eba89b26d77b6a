package io.llmxds.cp.reload;

import java.util.List;

/**
 * A last check of a compiled config before it is published (serve --envoy-validate: a real Envoy's verdict). A
 * config with problems is a failed reload like any other: nothing is published and the last good config keeps
 * serving.
 */
@FunctionalInterface
public interface ConfigCheck {
  /** Every problem, formatted like the compiler's errors; empty when the config may be published. */
  List<String> problems(PolicyCompiler.Compiled config);

  /** No check: what serve runs without --envoy-validate. */
  ConfigCheck NONE = config -> List.of();
}
