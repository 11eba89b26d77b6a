package io.llmxds.filters.testing;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} of the test's own on a free loopback port, without persistence. {@link #stop()} and
 * {@link #startAgain()} simulate an outage (same port, empty data after). The binary comes from Debian's package, which
 * {@code bin/test} installs ({@code bin/ensure-redis}); tests never use a system Redis.
 */
public final class LocalRedis implements AutoCloseable {

  private static final int PORT_ATTEMPTS = 5;
  private static final Duration STARTUP = Duration.ofSeconds(10);

  private final Path dir;
  private int port;
  private volatile Process process;

  private LocalRedis(Path dir) {
    this.dir = dir;
    // A test run that ends without close() must not leave the server running.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (process != null) {
        process.destroy();
      }
    }));
  }

  /** Starts a server on a free loopback port and waits until it answers (as this process, not another on the port). */
  public static LocalRedis start() throws IOException {
    LocalRedis redis = new LocalRedis(Files.createTempDirectory("llmxds-redis"));
    IllegalStateException lastFailure = null;
    for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      redis.port = freePort();
      try {
        redis.launch();
        return redis;
      } catch (IllegalStateException portTaken) {
        lastFailure = portTaken;
      }
    }
    throw lastFailure;
  }

  /** Whether {@code redis-server} is on the PATH ({@link #start()} fails without it). */
  public static boolean installed() {
    return onPath("redis-server");
  }

  /** Starts the server again on its port, empty (after {@link #stop()}). */
  public void startAgain() throws IOException {
    launch();
  }

  private void launch() throws IOException {
    if (!installed()) {
      throw new IllegalStateException(
          "redis-server not found: run bin/test, which installs it, or apt-get install redis-server");
    }
    Path log = dir.resolve("redis-" + port + ".log");
    process =
        new ProcessBuilder(
                "redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Process started = process;
    await()
        .atMost(STARTUP)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> !started.isAlive() || answersAsThisProcess());
    if (!started.isAlive()) {
      throw new IllegalStateException("redis-server exited on port " + port + ":\n" + Files.readString(log));
    }
  }

  /** Stops the server (SIGTERM) and waits for it to exit. */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // INFO, not just PING: on a port clash another server may answer while ours is still exiting.
  private boolean answersAsThisProcess() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      out.write("INFO server\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      String expected = "process_id:" + process.pid();
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        if (line.equals(expected)) {
          return true;
        }
      }
      return false;
    } catch (IOException notYet) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static boolean onPath(String binary) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, binary))) {
        return true;
      }
    }
    return false;
  }
}
