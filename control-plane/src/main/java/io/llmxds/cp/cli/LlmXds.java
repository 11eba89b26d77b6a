package io.llmxds.cp.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code llm-xds} executable: one jar, one subcommand per job. */
@Command(
    name = "llm-xds",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Envoy control plane for LLM gateways.",
    subcommands = {ServeCommand.class, ValidateCommand.class, RenderCommand.class, StatusCommand.class,
        HashKeyCommand.class, PushCommand.class})
public final class LlmXds {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, for tests that run commands in-process. */
  public static CommandLine commandLine() {
    return new CommandLine(new LlmXds());
  }
}
