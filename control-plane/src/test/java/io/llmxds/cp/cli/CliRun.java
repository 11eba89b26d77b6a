package io.llmxds.cp.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of the {@code llm-xds} command line: exit code and what it printed. */
record CliRun(int exitCode, String out, String err) {

  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = LlmXds.commandLine()
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }
}
