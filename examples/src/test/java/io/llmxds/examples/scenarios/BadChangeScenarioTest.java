package io.llmxds.examples.scenarios;

import static io.llmxds.cp.testing.AdsTestClient.LDS;
import static io.llmxds.cp.testing.LiveControlPlane.PATIENCE;
import static io.llmxds.examples.mockllm.MockLlmClient.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmxds.cp.observe.SpanAttributes;
import io.llmxds.cp.testing.AdsTestClient;
import io.llmxds.cp.testing.PolicyDirs;
import io.llmxds.examples.mockllm.MockLlmClient;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/scenarios/bad-change: a typo llm-xds refuses (nothing pushed), then a listener on the port of Envoy's own
 * admin interface, which llm-xds accepts and the node NACKs as Envoy does — the NACK is in {@code /status} and
 * {@code llm-xds status} with Envoy's message and the push's trace id, and the node keeps serving its last good
 * listener — then the fix, which the node ACKs.
 */
class BadChangeScenarioTest {
  /** What Envoy answers when a listener's port is taken (here by its admin interface, 9901). */
  static final String ENVOY_MESSAGE =
      "Error adding/updating listener(s) edge: cannot bind '0.0.0.0:9901': Address already in use";
  private static final String TYPO = "01-typo-refused-by-llm-xds";
  private static final String ADMIN_PORT = "02-listener-on-envoy-admin-port";
  private static final String FIX = "03-fix-listener-port";

  @TempDir Path tmp;

  @Test
  void aRefusedChangeIsNeverPushedANackedOneKeepsTheLastGoodListenerAndTheFixIsAcked() throws Exception {
    try (ScenarioStack stack = ScenarioStack.start("bad-change", tmp)) {
      AdsTestClient envoy = stack.connectEnvoy("envoy-1");
      PushedConfigRouter router = new PushedConfigRouter(envoy, new Random(3));
      assertThat(stack.steps()).containsExactly(TYPO, ADMIN_PORT, FIX);
      String good = stack.configVersion();
      String goodListener = envoy.ackedVersion(LDS).orElseThrow();
      Map<String, Integer> received = envoy.counts();

      JsonNode refused = MockLlmClient.JSON.readTree(stack.applyRefused(TYPO));
      assertThat(refused.get("errors")).extracting(JsonNode::asText).contains(
          "gateway.yaml:9:5: Gateway/edge: spec.listener: unknown field \"prot\" (known: address, port)");
      assertThat(stack.configVersion()).isEqualTo(good);
      assertThat(envoy.counts()).as("nothing pushed").isEqualTo(received);

      String rejected = PolicyDirs.typeVersionsOf(stack.preview(ADMIN_PORT, tmp)).get(LDS);
      envoy.rejectVersion(LDS, rejected, ENVOY_MESSAGE);
      stack.apply(ADMIN_PORT);
      await().atMost(PATIENCE).until(() -> stack.nodeStatus("envoy-1", LDS).path("state").asText().equals("NACKED"));
      SpanData push = nackedPush(stack, rejected);
      JsonNode lds = stack.nodeStatus("envoy-1", LDS);
      assertThat(lds.get("error").asText()).isEqualTo(ENVOY_MESSAGE);
      assertThat(lds.get("traceId").asText()).isEqualTo(push.getTraceId());
      assertThat(push.getAttributes().get(SpanAttributes.ERROR_MESSAGE)).isEqualTo(ENVOY_MESSAGE);
      assertThat(push.getAttributes().get(SpanAttributes.KEPT_VERSION)).isEqualTo(goodListener);
      assertThat(envoy.ackedVersion(LDS)).contains(goodListener);
      assertThat(router.listenerPort()).as("the listener the node still serves").isEqualTo(10000);
      assertThat(router.send(PushedConfigRouter.Request.chat(chat("chat", false, "still there?"))).status())
          .isEqualTo(200);
      String table = stack.statusCommand(1);
      assertThat(table).contains("NACK envoy-1 LDS: " + ENVOY_MESSAGE + " [trace " + push.getTraceId() + "]");

      stack.apply(FIX);
      assertThat(stack.configVersion()).as("the fix restores the last good content").isEqualTo(good);
      // The node never stopped running this listener: nothing needs pushing, and its row is SYNCED again.
      await().atMost(PATIENCE).until(() -> stack.nodeStatus("envoy-1", LDS).path("state").asText().equals("SYNCED"));
      stack.live().awaitSynced(envoy);
      assertThat(envoy.ackedVersion(LDS)).contains(goodListener);
      assertThat(router.listenerPort()).isEqualTo(10000);
      assertThat(stack.statusCommand(0)).doesNotContain("NACK");
    }
  }

  /** The xds.push span of {@code version} to the node: one, ended by the NACK. */
  private static SpanData nackedPush(ScenarioStack stack, String version) {
    await().atMost(PATIENCE).until(() -> pushes(stack, version).size() == 1);
    SpanData push = pushes(stack, version).get(0);
    assertThat(push.getAttributes().get(SpanAttributes.OUTCOME)).isEqualTo("nack");
    return push;
  }

  private static List<SpanData> pushes(ScenarioStack stack, String version) {
    return stack.live().telemetry().spans(SpanAttributes.PUSH_SPAN).stream()
        .filter(s -> version.equals(s.getAttributes().get(SpanAttributes.VERSION)))
        .toList();
  }
}
