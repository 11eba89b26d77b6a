package io.llmxds.examples.scenarios;

import static io.llmxds.examples.mockllm.MockLlmClient.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.llmxds.common.ContextPolicyMetadata;
import io.llmxds.cp.testing.AdsTestClient;
import io.llmxds.examples.mockllm.MockLlmClient;
import io.llmxds.filters.extproc.FakeEnvoy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/scenarios/context-migration: one session talks under schema v1 (strict), the step switches the context
 * policy to v2 with {@code v1_v2_migration}, and the session goes on with its whole history. The test plays Envoy:
 * the ext_proc stream opens with the metadata the control plane pushed for the route the request first matches,
 * the context service's answer re-picks the route by model, and the rewritten body goes to the real mock.
 */
class ContextMigrationScenarioTest {
  private static final String STEP = "01-schema-v2-with-migration";

  @TempDir Path tmp;

  @Test
  void aSessionKeepsItsHistoryAcrossTheSchemaChange() throws Exception {
    try (ScenarioStack stack = ScenarioStack.start("context-migration", tmp)) {
      Conversation conversation = new Conversation(stack.connectEnvoy("envoy-1"));
      assertThat(conversation.say("My name is Alice.")).startsWith("[mock-a] received 1 message;");
      assertThat(conversation.policy()).containsEntry(ContextPolicyMetadata.SCHEMA, "v1")
          .containsEntry(ContextPolicyMetadata.MODE, "strict");
      assertThat(conversation.say("What is my name?")).startsWith("[mock-a] received 3 messages;");
      String v1PolicyVersion = conversation.policy().get(ContextPolicyMetadata.POLICY_VERSION);

      assertThat(stack.steps()).containsExactly(STEP);
      stack.apply(STEP);
      stack.live().awaitSynced(conversation.envoy);

      assertThat(stack.contextTelemetry().spans("context.migrate")).as("nothing to migrate under v1").isEmpty();
      assertThat(conversation.say("And what did I ask you first?")).startsWith("[mock-a] received 5 messages;");
      assertThat(conversation.policy()).containsEntry(ContextPolicyMetadata.SCHEMA, "v2")
          .containsEntry(ContextPolicyMetadata.MODE, "v1_v2_migration")
          .doesNotContainEntry(ContextPolicyMetadata.POLICY_VERSION, v1PolicyVersion);
      assertThat(stack.contextTelemetry().spans("context.migrate")).hasSize(1);
      assertThat(conversation.say("Thanks.")).as("read from the v2 record now")
          .startsWith("[mock-a] received 7 messages;");
      conversation.router.close();
    }
  }

  /**
   * One session's requests through the Envoy model: each sends only its new user message, as a client would (the
   * history is the context service's job), with the model only in the body.
   */
  private static final class Conversation {
    private final AdsTestClient envoy;
    // All traffic to mock-a, whose answers say how many messages reached it; the split is the ab-split scenario's.
    private final PushedConfigRouter router;
    private final String session = "s-" + UUID.randomUUID();
    private Map<String, String> lastPolicy = Map.of();

    Conversation(AdsTestClient envoy) {
      this.envoy = envoy;
      this.router = new PushedConfigRouter(envoy, new FixedPick());
    }

    /** The context policy the last request's ext_proc stream was opened with. */
    Map<String, String> policy() {
      return lastPolicy;
    }

    /** Sends one user message; returns the reply. */
    String say(String text) {
      ObjectNode body = JSON.createObjectNode().put("model", "chat");
      body.putArray("messages").addObject().put("role", "user").put("content", text);
      PushedConfigRouter.Served served = router.send(PushedConfigRouter.Request.chat(body.toString(),
          "x-session-id", session, "x-user-id", "alice"));
      assertThat(served.status()).as(served.body()).isEqualTo(200);
      assertThat(served.route().getName()).as("re-picked by the body's model").isEqualTo("chat");
      lastPolicy = served.extProcMetadata();
      try {
        return JSON.readTree(served.body()).path("choices").path(0).path("message").path("content").asText();
      } catch (java.io.IOException e) {
        throw new AssertionError(served.body(), e);
      }
    }
  }

  /** Always the lowest stream id: the first cluster of a weighted pick (mock-a at weight 90 here). */
  private static final class FixedPick extends Random {
    @Override
    public long nextLong() {
      return 0;
    }
  }
}
