package io.llmxds.cp.reload;

import io.llmxds.cp.translate.EnvoyResources;

/** Where a validated config goes: the xDS server in production. Returns once the config is in place. */
@FunctionalInterface
public interface ConfigPublisher {
  void publish(String configVersion, EnvoyResources resources);
}
