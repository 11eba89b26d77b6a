package io.llmxds.examples.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Envoy as a child process: its output (stdout and stderr) goes to {@code out} line by line, prefixed
 * {@code [envoy] }; closing stops it (SIGTERM, then SIGKILL after a grace period) and runs the plan's stop command.
 */
public final class EnvoyProcess implements AutoCloseable {
  static final String PREFIX = "[envoy] ";
  private static final long GRACE_SECONDS = 5;

  private final Process process;
  private final List<String> stop;
  private final Thread output;
  private final PrintStream out;

  private EnvoyProcess(Process process, List<String> stop, Thread output, PrintStream out) {
    this.process = process;
    this.stop = stop;
    this.output = output;
    this.out = out;
  }

  public static EnvoyProcess start(EnvoyPlan.Run plan, PrintStream out) throws IOException {
    Process process = new ProcessBuilder(plan.command()).redirectErrorStream(true).start();
    Thread output = new Thread(() -> copy(process, out), "envoy-output");
    output.setDaemon(true);
    output.start();
    return new EnvoyProcess(process, plan.stop(), output, out);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    if (!stop.isEmpty()) {
      run(stop, out);
    }
    process.destroy();
    try {
      if (!process.waitFor(GRACE_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(GRACE_SECONDS, TimeUnit.SECONDS);
      }
      // The last lines Envoy wrote on its way out belong before the stack's own goodbye.
      output.join(TimeUnit.SECONDS.toMillis(GRACE_SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static void copy(Process process, PrintStream out) {
    try (BufferedReader lines = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        out.println(PREFIX + line);
      }
      out.println(PREFIX + "exited with code " + process.waitFor());
    } catch (IOException e) {
      // The pipe closes when the process is killed: nothing more to show.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A command whose failure only matters as output (e.g. {@code docker stop} of a container already gone). */
  private static void run(List<String> command, PrintStream out) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!process.waitFor(2 * GRACE_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        out.println(PREFIX + String.join(" ", command) + " did not finish in " + 2 * GRACE_SECONDS + " s");
      }
    } catch (IOException e) {
      out.println(PREFIX + "could not run " + String.join(" ", command) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
