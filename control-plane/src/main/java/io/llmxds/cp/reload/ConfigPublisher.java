package io.llmxds.cp.reload;

import java.time.Instant;

/** Where a validated config goes: the xDS server in production. Returns once the config is in place. */
@FunctionalInterface
public interface ConfigPublisher {
  /**
   * @param config both flavors of the config version to serve
   * @param reloadStartedAt when the reload that produced this config started (convergence time is measured from it)
   */
  void publish(PolicyCompiler.Compiled config, Instant reloadStartedAt);
}
