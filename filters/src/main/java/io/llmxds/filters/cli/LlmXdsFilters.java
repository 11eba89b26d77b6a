package io.llmxds.filters.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code llm-xds-filters} executable: the gRPC services Envoy calls on the data path. */
@Command(
    name = "llm-xds-filters",
    mixinStandardHelpOptions = true,
    description = "Data-path services for llm-xds: the ext_proc conversation-context service.",
    subcommands = {ServeCommand.class})
public final class LlmXdsFilters {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, for tests that run commands in-process. */
  public static CommandLine commandLine() {
    return new CommandLine(new LlmXdsFilters())
        .registerConverter(java.time.Duration.class, Units::duration);
  }
}
