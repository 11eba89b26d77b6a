package io.llmxds.envoy;

import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.llmxds.cp.envoy.EnvoyCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Where a test's Envoy runs: a local binary ({@link LocalEnvoy}) or a container ({@link ContainerEnvoy}). */
interface EnvoyRuntime {

  /** How Envoy reaches the services of the test JVM (control plane, context service, mocks, trace receiver). */
  String hostAddress();

  /** The host and port the Gateway policy gives the listener, as Envoy binds them. */
  SocketAddress listener() throws IOException;

  /** The admin address the bootstrap gets. */
  SocketAddress admin();

  /**
   * Starts Envoy with {@code bootstrap} and waits until it is ready (its first listeners and clusters applied).
   *
   * @param listener the listener the Gateway policy gives Envoy (one {@link #listener()} returned)
   * @param hostPorts the test JVM's ports Envoy must reach
   * @param workDir a directory the runtime may write to
   */
  RunningEnvoy start(Bootstrap bootstrap, SocketAddress listener, List<Integer> hostPorts, Path workDir) throws IOException;

  /** How {@code llm-xds validate --envoy} runs this same Envoy in validate mode. */
  EnvoyCommand validateCommand();

  /** One line for test reports: which Envoy this is. */
  String description();
}
