package io.llmxds.envoy;

import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.llmxds.cp.envoy.EnvoyCommand;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.testcontainers.Testcontainers;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * Envoy in a container (Testcontainers). It reaches the test JVM's services as {@code host.testcontainers.internal}
 * (each port exposed to it first); its listener and admin ports are fixed inside the container and mapped to ports
 * the OS chooses on the host.
 */
final class ContainerEnvoy implements EnvoyRuntime {

  /** The Envoy API java-control-plane 1.0.49 speaks; newer Envoys accept it too. */
  static final String IMAGE = System.getenv().getOrDefault("ENVOY_IMAGE", EnvoyCommand.DEFAULT_IMAGE);
  private static final int LISTENER_PORT = 10000;
  private static final int ADMIN_PORT = 9901;
  private static final String BOOTSTRAP_PATH = "/etc/envoy/llm-xds-test.json";

  @Override
  public String hostAddress() {
    return GenericContainer.INTERNAL_HOST_HOSTNAME;
  }

  @Override
  public SocketAddress listener() {
    return SocketAddress.newBuilder().setAddress("0.0.0.0").setPortValue(LISTENER_PORT).build();
  }

  /** All interfaces: a published port reaches the container's external interface, not its loopback. */
  @Override
  public SocketAddress admin() {
    return SocketAddress.newBuilder().setAddress("0.0.0.0").setPortValue(ADMIN_PORT).build();
  }

  @Override
  public String description() {
    return "Envoy container " + IMAGE;
  }

  /** The same image through the docker CLI (what users' CI has), not Testcontainers. */
  @Override
  public EnvoyCommand validateCommand() {
    return new EnvoyCommand.Docker(IMAGE);
  }

  @Override
  public RunningEnvoy start(Bootstrap bootstrap, SocketAddress listener, List<Integer> hostPorts, Path workDir) {
    hostPorts.forEach(Testcontainers::exposeHostPorts);
    GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(IMAGE))
        .withAccessToHost(true)
        .withCopyToContainer(Transferable.of(EnvoyBootstrap.json(bootstrap)), BOOTSTRAP_PATH)
        .withCommand("-c", BOOTSTRAP_PATH, "--log-level", "info")
        .withExposedPorts(listener.getPortValue(), ADMIN_PORT)
        .waitingFor(Wait.forHttp("/ready").forPort(ADMIN_PORT).forStatusCode(200)
            .withStartupTimeout(AdminReadiness.STARTUP));
    container.start();
    return new Running(container, listener.getPortValue());
  }

  private static final class Running implements RunningEnvoy {
    private final GenericContainer<?> container;
    private final int listenerPort;

    Running(GenericContainer<?> container, int listenerPort) {
      this.container = container;
      this.listenerPort = listenerPort;
    }

    @Override
    public URI gateway() {
      return URI.create("http://" + container.getHost() + ":" + container.getMappedPort(listenerPort));
    }

    @Override
    public URI admin() {
      return URI.create("http://" + container.getHost() + ":" + container.getMappedPort(ADMIN_PORT));
    }

    @Override
    public int adminPortInside() {
      return ADMIN_PORT;
    }

    @Override
    public String log() {
      return container.getLogs();
    }

    @Override
    public void close() {
      container.stop();
    }
  }
}
