package io.llmxds.envoy;

import static io.llmxds.cp.testing.AdsTestClient.CDS;
import static io.llmxds.cp.testing.AdsTestClient.LDS;
import static io.llmxds.cp.testing.AdsTestClient.RDS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmxds.cp.observe.SpanAttributes;
import io.llmxds.cp.testing.PolicyDirs;
import java.nio.file.Path;
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
  void theBufferLimitIsTheOneTheServedListenerGivesEnvoy() {
    assertThat(stack.requestBufferLimit()).as("examples/policies: requestBufferLimit 8Mi").isEqualTo(8L << 20);
  }

  /** The control-plane half of EnvoyRateLimitTest's kept buckets: only CDS moves, RDS stays byte-identical. */
  @Test
  void aProvidersConnectTimeoutIsANewVersionThatPushesClustersAndLeavesRoutesAlone() {
    String version = stack.servedVersion();
    String routes = stack.ackedVersion(RDS);
    String clusters = stack.ackedVersion(CDS);
    String chatRoute = stack.routeVersion("chat");

    stack.edit("providers.yaml", "mock-a", "connectTimeout: 2s", "connectTimeout: 3s");
    stack.apply();

    assertThat(stack.servedVersion()).isNotEqualTo(version);
    assertThat(stack.ackedVersion(CDS)).isNotEqualTo(clusters);
    assertThat(stack.ackedVersion(RDS)).isEqualTo(routes);
    assertThat(stack.routeVersion("chat")).isEqualTo(chatRoute);
  }

  @Test
  void aRejectedListenerShowsAsNackedWithTheNodesMessageInStatusAndInThePushSpan() {
    stack.moveListenerTo(41999);
    String rejected = PolicyDirs.typeVersionsOf(stack.controlPlane().policies()).get(LDS);
    runtime.client.rejectVersion(LDS, rejected, "cannot bind '127.0.0.1:41999': Address already in use");
    stack.controlPlane().reload();

    JsonNode lds = stack.awaitNacked(LDS);
    assertThat(lds.get("error").asText()).contains("Address already in use");
    assertThat(stack.nodeStatus().get("types").get(RDS).get("state").asText())
        .as("the routes did not change: nothing else to ACK or NACK").isEqualTo("SYNCED");
    assertThat(stack.nackedPush(LDS).getAttributes().get(SpanAttributes.ERROR_MESSAGE))
        .isEqualTo(lds.get("error").asText());
  }
}
