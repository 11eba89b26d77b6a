package io.llmxds.cp.envoy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Shell scripts that stand in for an {@code envoy} binary to test <em>our process handling only</em>: how the exit
 * status and output of {@code envoy --mode validate} are read, the time limit, the bootstrap file's mode and
 * deletion. They are never evidence that Envoy accepts or rejects a config: that is what the gated tests in the envoy
 * module ask a real Envoy (EnvoyValidateTest). The lines they print copy the shape Envoy's are printed in
 * (config_validation/server.cc:39 and 70-71, row SB2).
 */
public final class ProcessStandIn {

  private ProcessStandIn() {}

  /** Prints Envoy's OK line for its {@code -c} file (the 4th argument) and exits 0. */
  public static Path accepting(Path dir) throws IOException {
    return script(dir, "accepting-envoy", "echo \"configuration '$4' OK\"\nexit 0\n");
  }

  /**
   * Logs Envoy's refusal with {@code message} and the whole bootstrap in it (as a proto-validation error carries the
   * message's DebugString, row SB4), then another log line, and exits 1.
   */
  public static Path rejecting(Path dir, String message) throws IOException {
    return script(dir, "rejecting-envoy", "echo '[2026-12-02 04:00:00.000][7][info][main] loading 2 cluster(s)'\n"
        + "echo \"[2026-12-02 04:00:00.001][7][critical][main] [source/server/config_validation/server.cc:70] "
        + "error initializing configuration '$4': " + message.replace("\"", "\\\"") + " $(cat \"$4\")\"\n"
        + "echo '[2026-12-02 04:00:00.002][7][info][main] exiting'\nexit 1\n");
  }

  /** Rejects only while {@code flag} exists, else accepts: a change judged differently from the one before. */
  public static Path rejectingWhile(Path dir, Path flag, String message) throws IOException {
    return script(dir, "flagged-envoy", "if [ -e '" + flag + "' ]; then\n"
        + "  echo \"[2026-12-02 04:00:00.001][7][critical][main] [source/server/config_validation/server.cc:70] "
        + "error initializing configuration '$4': " + message.replace("\"", "\\\"") + "\"\n  exit 1\nfi\n"
        + "echo \"configuration '$4' OK\"\n");
  }

  /** Writes the mode and path of its {@code -c} file to {@code record}, then accepts. */
  public static Path recording(Path dir, Path record) throws IOException {
    return script(dir, "recording-envoy", "stat -c '%a %n' \"$4\" > '" + record + "'\n"
        + "echo \"configuration '$4' OK\"\n");
  }

  /** Exits with {@code status} and {@code output}, no verdict (a crash, a bad flag). */
  public static Path failing(Path dir, int status, String output) throws IOException {
    return script(dir, "failing-envoy", "echo '" + output + "'\nexit " + status + "\n");
  }

  /** Never answers. */
  public static Path hanging(Path dir) throws IOException {
    return script(dir, "hanging-envoy", "sleep 60\n");
  }

  private static Path script(Path dir, String name, String body) throws IOException {
    Path script = Files.writeString(dir.resolve(name), "#!/bin/sh\n" + body);
    if (!script.toFile().setExecutable(true)) {
      throw new IOException("cannot make " + script + " executable");
    }
    return script;
  }
}
