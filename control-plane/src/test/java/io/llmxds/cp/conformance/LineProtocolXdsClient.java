package io.llmxds.cp.conformance;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An xDS client in a process of its own (another language's gRPC), driven a line at a time: one
 * {@code {"calls": N}} on its stdin, one JSON line of {@link Calls} on its stdout. The process lives as long as this
 * object, so its xDS client sees every policy edit and control-plane restart of a test. Its stderr goes to a file in
 * the test's scratch directory and is quoted (its tail) whenever the process fails to answer.
 */
abstract class LineProtocolXdsClient implements XdsTestClient {
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);
  /** How long each step of {@link #close()} waits: end of stdin, then SIGTERM, then SIGKILL. */
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(5);
  /** How much of the end of stderr a failure quotes (the whole file stays in the scratch directory). */
  private static final int STDERR_TAIL = 16 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final String nodeId;
  private final Process process;
  private final BufferedWriter commands;
  private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
  private final Path stderr;

  /**
   * Starts {@code command} in {@code directory} with {@code environment} added to this JVM's.
   *
   * @param name the client, for messages and file names (e.g. {@code grpc-js})
   * @param nodeId the node id of the bootstrap the command reads
   */
  LineProtocolXdsClient(String name, String nodeId, List<String> command, Path directory,
      Map<String, String> environment, Path scratch) {
    this.name = name;
    this.nodeId = nodeId;
    try {
      stderr = Files.createTempFile(scratch, name + "-xds-client", ".stderr");
      ProcessBuilder builder = new ProcessBuilder(command)
          .directory(directory.toFile())
          .redirectError(stderr.toFile());
      builder.environment().putAll(environment);
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the " + name + " client: " + command, e);
    }
    commands = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    Thread reader = new Thread(this::readAnswers, name + "-xds-client-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  @Override
  public final String nodeId() {
    return nodeId;
  }

  @Override
  public final Calls call(int count) {
    try {
      commands.write("{\"calls\": " + count + "}\n");
      commands.flush();
      String answer = answers.poll(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (answer == null) {
        fail("the %s client did not answer %d calls within %s (alive: %s); %s", name, count, ANSWER_TIMEOUT,
            process.isAlive(), stderr());
      }
      return JSON.readValue(answer, Calls.class);
    } catch (IOException e) {
      throw new UncheckedIOException("the " + name + " client failed; " + stderr(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Closes its stdin (it exits on its own), then asks it to stop, then kills it; each step waits a while. */
  @Override
  public final void close() {
    try {
      try {
        commands.close();
      } catch (IOException e) {
        // Already gone: the waits below return at once.
      }
      if (process.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        return;
      }
      process.destroy();
      if (process.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        return;
      }
      process.destroyForcibly().waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void readAnswers() {
    try (BufferedReader lines = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        answers.add(line);
      }
    } catch (IOException e) {
      // The process went away; call() reports it with its stderr.
    }
  }

  private String stderr() {
    try {
      String text = Files.readString(stderr);
      return text.length() <= STDERR_TAIL
          ? "its stderr (" + stderr + "):\n" + text
          : "the end of its stderr (" + stderr + "):\n…" + text.substring(text.length() - STDERR_TAIL);
    } catch (IOException e) {
      return "its stderr is unreadable (" + stderr + "): " + e;
    }
  }

  /**
   * Fails the test with {@code remedy} unless {@code command} starts and exits 0 within 30 s: for the tools a client
   * needs, so that a machine without them gets a message that says what to run instead of a stack trace.
   */
  static void require(String remedy, String... command) {
    String shown = "`" + String.join(" ", command) + "`";
    try {
      Process check = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!check.waitFor(30, TimeUnit.SECONDS)) {
        check.destroyForcibly();
        fail("%s did not finish within 30 s; %s", shown, remedy);
      }
      String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (check.exitValue() != 0) {
        fail("%s failed (exit %d: %s); %s", shown, check.exitValue(), output, remedy);
      }
    } catch (IOException e) {
      fail("%s could not start (%s); %s", shown, e.getMessage(), remedy);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
