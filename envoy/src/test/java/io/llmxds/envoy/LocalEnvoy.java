package io.llmxds.envoy;

import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.llmxds.cp.envoy.EnvoyCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Envoy as a local process ({@code ENVOY_BIN}). Admin listens on a port the OS chooses and Envoy writes it to
 * {@code --admin-address-path}. The listener port comes from the Gateway policy, which (rightly, for a gateway
 * clients dial) refuses port 0: the test asks the OS for a free port and writes that into the policy.
 */
final class LocalEnvoy implements EnvoyRuntime {

  private static final String LOOPBACK = "127.0.0.1";

  private final Path binary;

  LocalEnvoy(Path binary) {
    this.binary = binary;
  }

  @Override
  public String hostAddress() {
    return LOOPBACK;
  }

  @Override
  public SocketAddress listener() throws IOException {
    return address(freePort());
  }

  @Override
  public SocketAddress admin() {
    return address(0);
  }

  @Override
  public String description() {
    return "local Envoy " + binary;
  }

  @Override
  public EnvoyCommand validateCommand() {
    return new EnvoyCommand.Local(binary);
  }

  @Override
  public RunningEnvoy start(Bootstrap bootstrap, SocketAddress listener, List<Integer> hostPorts, Path workDir)
      throws IOException {
    Path config = Files.writeString(workDir.resolve("envoy-bootstrap.json"), EnvoyBootstrap.json(bootstrap));
    Path adminAddress = workDir.resolve("envoy-admin-address");
    Path log = workDir.resolve("envoy.log");
    Process running = new ProcessBuilder(binary.toString(),
        "-c", config.toString(),
        "--admin-address-path", adminAddress.toString(),
        // Several test Envoys may run at once: no shared memory for a hot restart.
        "--disable-hot-restart",
        "--log-level", "info")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    URI gateway = URI.create("http://" + listener.getAddress() + ":" + listener.getPortValue());
    Running envoy = new Running(running, gateway, log, adminAddress);
    try {
      await().atMost(AdminReadiness.STARTUP).until(() -> !running.isAlive() || hasContent(adminAddress));
      AdminReadiness.awaitReady(envoy.admin(), running::isAlive, envoy::log);
      return envoy;
    } catch (RuntimeException | Error e) {
      envoy.close();
      throw e;
    }
  }

  private static boolean hasContent(Path file) throws IOException {
    return Files.exists(file) && !Files.readString(file).isBlank();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    }
  }

  private static SocketAddress address(int port) {
    return SocketAddress.newBuilder().setAddress(LOOPBACK).setPortValue(port).build();
  }

  private static final class Running implements RunningEnvoy {
    private final Process process;
    private final URI gateway;
    private final Path log;
    private final Path adminAddress;

    Running(Process process, URI gateway, Path log, Path adminAddress) {
      this.process = process;
      this.gateway = gateway;
      this.log = log;
      this.adminAddress = adminAddress;
    }

    @Override
    public URI gateway() {
      return gateway;
    }

    @Override
    public URI admin() {
      try {
        return URI.create("http://" + Files.readString(adminAddress).strip());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public int adminPortInside() {
      return admin().getPort();
    }

    @Override
    public String log() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        return "(cannot read " + log + ": " + e.getMessage() + ")";
      }
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
