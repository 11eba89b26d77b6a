package io.llmxds.cp.reload;

import io.llmxds.cp.translate.EnvoyResources;
import java.time.Instant;

/** Where a validated config goes: the xDS server in production. Returns once the config is in place. */
@FunctionalInterface
public interface ConfigPublisher {
  /**
   * @param reloadStartedAt when the reload that produced this config started (convergence time is measured from it)
   */
  void publish(String configVersion, EnvoyResources resources, Instant reloadStartedAt);
}
