package io.llmxds.cp.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code etcd} of the test's own: one member on free loopback client and peer ports, its data in a temporary
 * directory. {@link #stop()} and {@link #startAgain()} simulate an outage (same ports, same data). The binary is
 * Debian's etcd-server, which {@code bin/test} installs ({@code bin/ensure-etcd}); tests never use a system etcd.
 */
public final class LocalEtcd implements AutoCloseable {
  private static final int PORT_ATTEMPTS = 5;
  private static final Duration STARTUP = Duration.ofSeconds(20);

  private final Path dir;
  private int clientPort;
  private int peerPort;
  private volatile Process process;

  private LocalEtcd(Path dir) {
    this.dir = dir;
    // A test run that ends without close() must not leave the server running.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (process != null) {
        process.destroyForcibly();
      }
    }));
  }

  public static LocalEtcd start() throws IOException {
    LocalEtcd etcd = new LocalEtcd(Files.createTempDirectory("llmxds-etcd"));
    IllegalStateException lastFailure = null;
    for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      etcd.clientPort = freePort();
      etcd.peerPort = freePort();
      try {
        etcd.launch();
        return etcd;
      } catch (IllegalStateException portTaken) {
        lastFailure = portTaken;
      }
    }
    throw lastFailure;
  }

  /** {@code etcd://127.0.0.1:PORT/prefix}. */
  public String url(String prefix) {
    return "etcd://127.0.0.1:" + clientPort + prefix;
  }

  public int clientPort() {
    return clientPort;
  }

  /** Starts the member again on its ports and data (after {@link #stop()}). */
  public void startAgain() throws IOException {
    launch();
  }

  private void launch() throws IOException {
    if (!Files.isExecutable(Path.of("/usr/bin/etcd"))) {
      throw new IllegalStateException("etcd not found: run bin/test, which installs it (bin/ensure-etcd)");
    }
    Path log = dir.resolve("etcd.log");
    Files.deleteIfExists(log);
    String client = "http://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    process = new ProcessBuilder(List.of("/usr/bin/etcd", "--name", "test", "--data-dir", dir.resolve("data").toString(),
        "--listen-client-urls", client, "--advertise-client-urls", client, "--listen-peer-urls", peer,
        "--initial-advertise-peer-urls", peer, "--initial-cluster", "test=" + peer))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Process started = process;
    // Our own process's log line, so a server of someone else's on the port cannot pass for ours.
    await().atMost(STARTUP).pollInterval(Duration.ofMillis(50))
        .until(() -> !started.isAlive() || Files.readString(log).contains("ready to serve client requests"));
    if (!started.isAlive()) {
      throw new IllegalStateException("etcd exited (ports " + clientPort + ", " + peerPort + "):\n"
          + Files.readString(log));
    }
  }

  /** Stops the member (SIGTERM) and waits until it is gone. */
  public void stop() throws InterruptedException {
    Process p = process;
    if (p != null) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
    }
  }

  @Override
  public void close() throws Exception {
    stop();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
