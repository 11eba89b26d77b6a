package io.llmxds.filters.testing;

import static org.awaitility.Awaitility.await;

import io.llmxds.filters.store.StoreSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} of the test's own on free loopback ports, without persistence. {@link #stop()} and
 * {@link #startAgain()} simulate an outage (same ports, empty data after). The binary comes from Debian's package, which
 * {@code bin/test} installs ({@code bin/ensure-redis}); tests never use a system Redis.
 */
public final class LocalRedis implements AutoCloseable {

  /** The SNI name of the test certificate (src/test/resources/tls/README.md). */
  public static final String TLS_SERVER_NAME = "redis.test";

  private static final int PORT_ATTEMPTS = 5;
  private static final Duration STARTUP = Duration.ofSeconds(10);

  private final Path dir;
  private final Layout layout;
  private final List<String> serverArgs;
  private int port;
  private int tlsPort;
  private int busPort;
  private volatile Process process;

  /** Which ports the server listens on: plain, TLS (the committed test certificate), a cluster bus. */
  record Layout(boolean plain, boolean tls, boolean cluster) {}

  private LocalRedis(Path dir, Layout layout, List<String> serverArgs) {
    this.dir = dir;
    this.layout = layout;
    this.serverArgs = List.copyOf(serverArgs);
    // A test run that ends without close() must not leave the server running.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (process != null) {
        process.destroyForcibly();
      }
      deleteDir();
    }));
  }

  /**
   * Starts a server on a free loopback port and waits until it is ready; {@code serverArgs} are more options (e.g.
   * {@code --requirepass}, or {@code --user NAME on >PASSWORD ~KEYS +COMMANDS} as separate arguments).
   */
  public static LocalRedis start(String... serverArgs) throws IOException {
    return start(new Layout(true, false, false), List.of(serverArgs));
  }

  /** Like {@link #start}, with a TLS port ({@link #tlsPort()}, certificate for {@link #TLS_SERVER_NAME}) too. */
  public static LocalRedis startTls(String... serverArgs) throws IOException {
    return start(new Layout(true, true, false), List.of(serverArgs));
  }

  static LocalRedis start(Layout layout, List<String> serverArgs) throws IOException {
    LocalRedis redis = new LocalRedis(Files.createTempDirectory("llmxds-redis"), layout, serverArgs);
    if (layout.tls()) {
      for (String file : List.of("server.pem", "server.key", "test-ca.pem")) {
        copyResource("/tls/" + file, redis.dir.resolve(file));
      }
    }
    IllegalStateException lastFailure = null;
    for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      redis.port = layout.plain() ? freePort() : 0;
      redis.tlsPort = layout.tls() ? freePort() : 0;
      redis.busPort = layout.cluster() ? freePort() : 0;
      try {
        redis.launch();
        return redis;
      } catch (IllegalStateException portTaken) {
        lastFailure = portTaken;
      }
    }
    throw lastFailure;
  }

  /** Whether {@code redis-server} is on the PATH ({@link #start} fails without it). */
  public static boolean installed() {
    return onPath("redis-server");
  }

  /** Starts the server again on its ports (after {@link #stop()} or {@link #kill()}). */
  public void startAgain() throws IOException {
    launch();
  }

  private void launch() throws IOException {
    if (!installed()) {
      throw new IllegalStateException(
          "redis-server not found: run bin/test, which installs it, or apt-get install redis-server");
    }
    Path log = dir.resolve("redis.log");
    process = new ProcessBuilder(command()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Process started = process;
    // Our own process's log line, so a server of someone else's on the port cannot pass for ours.
    await()
        .atMost(STARTUP)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> !started.isAlive() || Files.readString(log).contains("Ready to accept connections"));
    if (!started.isAlive()) {
      throw new IllegalStateException("redis-server exited (ports " + ports() + "):\n" + Files.readString(log));
    }
  }

  private List<String> command() {
    List<String> command = new ArrayList<>(List.of(
        "redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
        "--dir", dir.toString()));
    if (layout.tls()) {
      command.addAll(List.of("--tls-port", Integer.toString(tlsPort), "--tls-cert-file", "server.pem",
          "--tls-key-file", "server.key", "--tls-ca-cert-file", "test-ca.pem", "--tls-auth-clients", "no"));
    }
    if (layout.cluster()) {
      command.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-port",
          Integer.toString(busPort)));
      if (layout.tls()) {
        command.addAll(List.of("--tls-cluster", "yes"));
      }
    }
    command.addAll(serverArgs);
    return command;
  }

  /** Stops the server (SIGTERM) and waits for it to exit. */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  /** Kills the server (SIGKILL, a crash) and waits for it to exit. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** Whether the server's process runs. */
  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** The plain port (0 when it has none). */
  public int port() {
    return port;
  }

  /** The TLS port (0 when it has none). */
  public int tlsPort() {
    return tlsPort;
  }

  /** The port clients use: TLS when there is no plain one. */
  int clientPort() {
    return layout.plain() ? port : tlsPort;
  }

  public StoreSpec.Address address() {
    return new StoreSpec.Address("127.0.0.1", port);
  }

  public StoreSpec.Address tlsAddress() {
    return new StoreSpec.Address("127.0.0.1", tlsPort);
  }

  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** The directory the server runs in (its log, a cluster node's nodes.conf). */
  Path dir() {
    return dir;
  }

  private String ports() {
    return "plain " + port + ", tls " + tlsPort + ", bus " + busPort;
  }

  /** Stops the server and deletes its directory. */
  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deleteDir();
  }

  private void deleteDir() {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException alreadyGone) {
      // nothing to clean up
    }
  }

  /**
   * Runs {@code redis-cli} against this server (its plain port, else TLS with the test CA); its output. Exit code 0
   * is required, and an error reply is output like any other: callers check what they expect.
   */
  public String cli(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p",
        Integer.toString(clientPort()), "--no-auth-warning"));
    if (!layout.plain()) {
      command.addAll(List.of("--tls", "--sni", TLS_SERVER_NAME, "--cacert", dir.resolve("test-ca.pem").toString()));
    }
    command.addAll(List.of(args));
    Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8); // until it exits
    try {
      if (!cli.waitFor(10, TimeUnit.SECONDS)) {
        cli.destroyForcibly();
        throw new IOException("redis-cli " + String.join(" ", args) + " did not exit");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    if (cli.exitValue() != 0) {
      throw new IOException("redis-cli " + String.join(" ", args) + " failed:\n" + out);
    }
    return out;
  }

  /** The test CA's certificate (PEM) that signed the server's. */
  public static String testCaPem() {
    return resource("/tls/test-ca.pem");
  }

  /** A CA that signed nothing here. */
  public static String otherCaPem() {
    return resource("/tls/other-ca.pem");
  }

  private static String resource(String name) {
    try (InputStream in = LocalRedis.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("test resource " + name + " missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // Copied out of the classpath: redis-server wants files, and a test-jar has none.
  private static void copyResource(String name, Path to) throws IOException {
    Files.writeString(to, resource(name));
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
