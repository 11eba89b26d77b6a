package io.llmxds.examples.local;

/** Whether the local stack runs Envoy: {@code auto} when a binary or a Docker engine is there, or never. */
public enum EnvoyMode {
  AUTO,
  OFF
}
