package io.llmxds.envoy;

import static io.llmxds.cp.testing.AdsTestClient.LDS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.llmxds.cp.observe.SpanAttributes;
import io.llmxds.cp.testing.AdsTestClient;
import io.llmxds.cp.testing.PolicyDirs;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness itself, where no Envoy runs: the stack starts on OS ports and the control-plane side of every
 * end-to-end assertion (SYNCED, NACKED, the NACK's span) works, with the ADS test client connected as the
 * bootstrap's node in Envoy's place. It has no data path, so requests are the Envoy tests' business.
 */
class EdgeStackTest {

  @TempDir
  Path tmp;

  private final XdsOnlyEnvoy runtime = new XdsOnlyEnvoy();
  private EdgeStack stack;

  @BeforeEach
  void start() throws Exception {
    stack = EdgeStack.start(tmp, runtime);
  }

  @AfterEach
  void stop() throws Exception {
    stack.close();
  }

  @Test
  void theNodeOfTheBootstrapIsSyncedOnEveryTypeAfterStartAndAfterAnEdit() {
    JsonNode node = stack.nodeStatus();
    assertThat(node.get("cluster").asText()).isEqualTo("llm-gateway");
    assertThat(node.get("types").size()).isEqualTo(5);
    String first = stack.servedVersion();

    stack.edit("routes.yaml", "weight: 90", "weight: 80");
    stack.apply();

    assertThat(stack.servedVersion()).isNotEqualTo(first);
    assertThat(stack.nodeStatus().get("configVersion").asText()).isEqualTo(stack.servedVersion());
  }

  @Test
  void aRejectedListenerShowsAsNackedWithTheNodesMessageInStatusAndInThePushSpan() {
    stack.moveListenerTo(41999);
    String rejected = PolicyDirs.typeVersionsOf(stack.controlPlane().policies()).get(LDS);
    runtime.client.rejectVersion(LDS, rejected, "cannot bind '127.0.0.1:41999': Address already in use");
    stack.controlPlane().reload();

    JsonNode lds = stack.awaitNacked(LDS);
    assertThat(lds.get("error").asText()).contains("Address already in use");
    assertThat(stack.nackedPush(LDS).getAttributes().get(SpanAttributes.ERROR_MESSAGE))
        .isEqualTo(lds.get("error").asText());
  }

  /** Envoy's xDS side only: the ADS test client, connected as the bootstrap's node to the bootstrap's xDS port. */
  private static final class XdsOnlyEnvoy implements EnvoyRuntime {
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
}
