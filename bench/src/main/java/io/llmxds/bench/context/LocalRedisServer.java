package io.llmxds.bench.context;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** A {@code redis-server} of the benchmark's own on a free loopback port, without persistence. */
final class LocalRedisServer implements AutoCloseable {
  private static final long STARTUP_MILLIS = 10_000;

  private final Process process;
  private final int port;

  private LocalRedisServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Empty when {@code redis-server} is not on the PATH. */
  static Optional<LocalRedisServer> startIfInstalled() throws IOException, InterruptedException {
    if (!onPath("redis-server")) {
      return Optional.empty();
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Path dir = Files.createTempDirectory("llmxds-bench-redis");
    Process process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.log").toFile())
        .start();
    LocalRedisServer redis = new LocalRedisServer(process, port);
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
    long deadline = System.currentTimeMillis() + STARTUP_MILLIS;
    while (!redis.answersPing()) {
      if (!process.isAlive() || System.currentTimeMillis() > deadline) {
        process.destroy();
        throw new IOException("redis-server did not start on port " + port + ", see " + dir.resolve("redis.log"));
      }
      Thread.sleep(20); // a startup poll in a benchmark's setup, not a test
    }
    return Optional.of(redis);
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  private boolean answersPing() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = in.readNBytes(5);
      return new String(reply, StandardCharsets.US_ASCII).equals("+PONG");
    } catch (IOException notYet) {
      return false;
    }
  }

  private static boolean onPath(String binary) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, binary))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    process.destroy();
  }
}
