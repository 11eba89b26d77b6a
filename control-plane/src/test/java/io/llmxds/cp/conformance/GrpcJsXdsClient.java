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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code @grpc/grpc-js-xds}'s xDS client in a {@code node} process ({@code src/test/node/xds-client.js}), driven a
 * line at a time: one {@code {"calls": N}} in, one JSON line of {@link Calls} out. The process lives as long as this
 * object, so its xDS client sees every policy edit and control-plane restart of a test. {@code bin/test} installs
 * its packages ({@code bin/ensure-node-deps}); without {@code node} or them the suite fails and says so.
 */
final class GrpcJsXdsClient implements XdsTestClient {
  static final String NODE_ID = "grpc-js-conformance";
  /** The Node project, relative to the module directory Maven runs tests in. */
  static final Path PROJECT = Path.of("src", "test", "node").toAbsolutePath();

  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process node;
  private final BufferedWriter commands;
  private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
  private final Path stderr;

  private GrpcJsXdsClient(Process node, Path stderr) {
    this.node = node;
    this.stderr = stderr;
    this.commands = new BufferedWriter(new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8));
    Thread reader = new Thread(this::readAnswers, "grpc-js-xds-client-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code node xds-client.js <route>} with a bootstrap for the xDS server on {@code xdsPort}. */
  static GrpcJsXdsClient dial(String route, int xdsPort, Path scratch) {
    requireNodeAndPackages();
    try {
      Path stderr = Files.createTempFile(scratch, "grpc-js-xds-client", ".stderr");
      ProcessBuilder builder = new ProcessBuilder("node", "xds-client.js", route)
          .directory(PROJECT.toFile())
          .redirectError(stderr.toFile());
      builder.environment().put("GRPC_XDS_BOOTSTRAP_CONFIG", XdsBootstrap.json(xdsPort, NODE_ID));
      return new GrpcJsXdsClient(builder.start(), stderr);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String nodeId() {
    return NODE_ID;
  }

  @Override
  public Calls call(int count) {
    try {
      commands.write("{\"calls\": " + count + "}\n");
      commands.flush();
      String answer = answers.poll(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (answer == null) {
        fail("the grpc-js client did not answer %d calls within %s (alive: %s); its stderr:%n%s", count,
            ANSWER_TIMEOUT, node.isAlive(), stderr());
      }
      return JSON.readValue(answer, Calls.class);
    } catch (IOException e) {
      throw new UncheckedIOException("the grpc-js client failed; its stderr:\n" + stderr(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      commands.close();
      if (!node.waitFor(10, TimeUnit.SECONDS)) {
        node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      node.destroyForcibly();
    } catch (InterruptedException e) {
      node.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void readAnswers() {
    try (BufferedReader lines = new BufferedReader(
        new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        answers.add(line);
      }
    } catch (IOException e) {
      // The process went away; call() reports it with its stderr.
    }
  }

  private String stderr() {
    try {
      return Files.readString(stderr);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private static void requireNodeAndPackages() {
    try {
      Process version = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      if (!version.waitFor(30, TimeUnit.SECONDS) || version.exitValue() != 0) {
        fail("`node --version` failed; the grpc-js conformance tests need Node.js 18 or newer");
      }
    } catch (IOException e) {
      fail("`node` is not on PATH; the grpc-js conformance tests need Node.js 18 or newer (bin/test checks it)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (!Files.isDirectory(PROJECT.resolve("node_modules").resolve("@grpc").resolve("grpc-js-xds"))) {
      fail("%s has no node_modules: run bin/ensure-node-deps (bin/test does)", PROJECT);
    }
  }
}
