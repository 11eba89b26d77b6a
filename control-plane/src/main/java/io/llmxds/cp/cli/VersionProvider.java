package io.llmxds.cp.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the version Maven wrote into the jar manifest. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = LlmXds.class.getPackage().getImplementationVersion();
    return new String[] {"llm-xds " + (version == null ? "(development build)" : version)};
  }
}
