package io.llmxds.envoy;

import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.llmxds.cp.envoy.EnvoyCommand;
import io.llmxds.cp.testing.AdsTestClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/** Envoy's xDS side only: the ADS test client, connected as the bootstrap's node to the bootstrap's xDS port. */
final class XdsOnlyEnvoy implements EnvoyRuntime {
  private static final SocketAddress LOOPBACK = SocketAddress.newBuilder().setAddress("127.0.0.1").build();
  AdsTestClient client;

  @Override
  public String hostAddress() {
    return "127.0.0.1";
  }

  @Override
  public SocketAddress listener() {
    return LOOPBACK.toBuilder().setPortValue(41000).build();
  }

  @Override
  public SocketAddress admin() {
    return LOOPBACK;
  }

  @Override
  public String description() {
    return "ADS test client";
  }

  @Override
  public EnvoyCommand validateCommand() {
    throw new UnsupportedOperationException("an ADS client cannot validate a bootstrap");
  }

  @Override
  public RunningEnvoy start(Bootstrap bootstrap, SocketAddress listener, List<Integer> hostPorts, Path workDir) {
    int xdsPort = bootstrap.getStaticResources().getClustersList().stream()
        .filter(c -> c.getName().equals(EnvoyBootstrap.XDS_CLUSTER))
        .findFirst().orElseThrow()
        .getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress()
        .getPortValue();
    client = AdsTestClient.connect(xdsPort, bootstrap.getNode());
    return new RunningEnvoy() {
      @Override
      public URI gateway() {
        throw new UnsupportedOperationException("an ADS client has no data path");
      }

      @Override
      public URI admin() {
        throw new UnsupportedOperationException("an ADS client has no admin API");
      }

      @Override
      public int adminPortInside() {
        throw new UnsupportedOperationException("an ADS client has no admin API");
      }

      @Override
      public String log() {
        return "";
      }

      @Override
      public void close() {
        client.close();
      }
    };
  }
}
