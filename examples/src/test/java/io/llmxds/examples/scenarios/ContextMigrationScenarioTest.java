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
    try (ScenarioStack stack = ScenarioStack.start("context-migration", tmp);
        Conversation conversation = new Conversation(stack.connectEnvoy("envoy-1"))) {
      assertThat(conversation.policy()).containsEntry(ContextPolicyMetadata.SCHEMA, "v1")
          .containsEntry(ContextPolicyMetadata.MODE, "strict");
      assertThat(conversation.say("My name is Alice.")).startsWith("[mock-a] received 1 message;");
      assertThat(conversation.say("What is my name?")).startsWith("[mock-a] received 3 messages;");
      String v1PolicyVersion = conversation.policy().get(ContextPolicyMetadata.POLICY_VERSION);

      assertThat(stack.steps()).containsExactly(STEP);
      stack.apply(STEP);
      stack.live().awaitSynced(conversation.envoy);

      assertThat(conversation.policy()).containsEntry(ContextPolicyMetadata.SCHEMA, "v2")
          .containsEntry(ContextPolicyMetadata.MODE, "v1_v2_migration")
          .doesNotContainEntry(ContextPolicyMetadata.POLICY_VERSION, v1PolicyVersion);
      assertThat(stack.contextTelemetry().spans("context.migrate")).as("nothing to migrate under v1").isEmpty();
      assertThat(conversation.say("And what did I ask you first?")).startsWith("[mock-a] received 5 messages;");
      assertThat(stack.contextTelemetry().spans("context.migrate")).hasSize(1);
      assertThat(conversation.say("Thanks.")).as("read from the v2 record now")
          .startsWith("[mock-a] received 7 messages;");
    }
  }

  /** One session's requests, each played through ext_proc and the pushed routes to the mock. */
  private static final class Conversation implements AutoCloseable {
    private final AdsTestClient envoy;
    // All traffic to mock-a, whose answers say how many messages reached it; the split is the ab-split scenario's.
    private final PushedConfigRouter router;
    private final FakeEnvoy extProc;
    private final Map<String, String> headers = new LinkedHashMap<>();

    Conversation(AdsTestClient envoy) {
      this.envoy = envoy;
      this.router = new PushedConfigRouter(envoy, new FixedPick());
      this.extProc = FakeEnvoy.connectedTo(router.extProcPort());
      headers.putAll(FakeEnvoy.headers(":method", "POST", ":path", PushedConfigRouter.CHAT_PATH,
          "content-type", "application/json", "x-session-id", "s-" + UUID.randomUUID(), "x-user-id", "alice"));
    }

    /** The context policy the ext_proc stream opens with: the route matched on the request's own headers. */
    Map<String, String> policy() {
      return PushedConfigRouter.extProcMetadata(router.route(headers));
    }

    /** Sends one user message (only that one: the history is the context service's job); returns the reply. */
    String say(String text) {
      ObjectNode body = JSON.createObjectNode().put("model", "chat");
      body.putArray("messages").addObject().put("role", "user").put("content", text);
      String sent = body.toString();
      String[] reply = new String[1];
      extProc.exchange(policy(), headers, sent, forwarded -> {
        assertThat(forwarded.routeCacheCleared()).as("the route is re-picked by model").isTrue();
        Route route = router.route(forwarded.headers());
        assertThat(route.getName()).isEqualTo("chat");
        var response = router.forward(route, forwarded.body()).response();
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        reply[0] = MockLlmClient.json(response).path("choices").path(0).path("message").path("content").asText();
        return new FakeEnvoy.Upstream(FakeEnvoy.headers(":status", "200", "content-type", "application/json"),
            List.of(response.body().getBytes(StandardCharsets.UTF_8)));
      });
      return reply[0];
    }

    @Override
    public void close() {
      extProc.close();
    }
  }

  /** Always the first cluster of a weighted pick (mock-a at weight 90 here): the reply texts stay predictable. */
  private static final class FixedPick extends Random {
    @Override
    public int nextInt(int bound) {
      return 0;
    }
  }
}
