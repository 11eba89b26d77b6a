package io.llmxds.examples.mockllm;

import static io.llmxds.examples.mockllm.MockLlmClient.chat;
import static io.llmxds.examples.mockllm.MockLlmClient.json;
import static io.llmxds.examples.mockllm.MockLlmClient.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.llmxds.common.ContextPolicyMetadata;
import io.llmxds.common.Telemetry;
import io.llmxds.filters.extproc.FakeEnvoy;
import io.llmxds.filters.server.ContextServer;
import io.llmxds.filters.testing.LoopbackContextServer;
import io.opentelemetry.api.OpenTelemetry;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The mock's answers read by the real context service as Envoy hands them over: a streamed answer (cut into chunks
 * anywhere) is stored and its usage emitted, and the next request of the session reaches the mock with that history
 * injected — which the mock's reply makes visible.
 */
class MockLlmWithContextServiceTest {
  private static final String PATH = "/v1/chat/completions";
  /** The edge's ext_proc stream carries no metadata: the service runs the built-in default (memory, x-session-id). */
  private static final Map<String, String> POLICY = Map.of();
  private static final Map<String, String> REQUEST =
      FakeEnvoy.headers(":method", "POST", ":path", PATH, "x-session-id", "demo");

  private Telemetry telemetry;
  private ContextServer contextService;
  private FakeEnvoy envoy;
  private MockLlm mock;

  @BeforeEach
  void start() throws Exception {
    telemetry = Telemetry.of(OpenTelemetry.noop());
    contextService = LoopbackContextServer.start(telemetry);
    envoy = FakeEnvoy.connectedTo(contextService.port());
    mock = MockLlm.start(MockLlm.Settings.of("mock-a", 0));
  }

  @AfterEach
  void stop() {
    mock.close();
    envoy.close();
    contextService.close();
    telemetry.close();
  }

  @Test
  void aStreamedAnswerIsStoredAndComesBackAsHistory() {
    String first = chat("chat", true, "hello");
    HttpResponse<String> streamed = post(mock.port(), PATH, first);
    FakeEnvoy.Answers answers = envoy.exchange(new FakeEnvoy.Http(POLICY, REQUEST, first,
        FakeEnvoy.headers(":status", "200", "content-type", "text/event-stream"), chunks(streamed.body(), 17)));

    assertThat(answers.streamed()).isTrue();
    List<ProcessingResponse> withUsage =
        answers.responseBodies().stream().filter(ProcessingResponse::hasDynamicMetadata).toList();
    assertThat(withUsage).hasSize(1);
    Map<String, Value> usage = withUsage.get(0).getDynamicMetadata()
        .getFieldsOrThrow(ContextPolicyMetadata.USAGE_NAMESPACE).getStructValue().getFieldsMap();
    assertThat(usage.get("prompt_tokens").getNumberValue()).isEqualTo(2);
    assertThat(usage.get("model").getStringValue()).isEqualTo("chat");

    String second = chat("chat", false, "and now?");
    // Nothing of this exchange is stored (500): only the body the upstream would receive matters.
    FakeEnvoy.Answers injected = envoy.exchange(new FakeEnvoy.Http(POLICY, REQUEST, second,
        FakeEnvoy.headers(":status", "500", "content-type", "application/json"), List.of(new byte[0])));
    CommonResponse mutation = injected.requestBody().getRequestBody().getResponse();
    assertThat(mutation.hasBodyMutation()).as("history injected").isTrue();
    JsonNode answer = json(post(mock.port(), PATH, mutation.getBodyMutation().getBody().toStringUtf8()));

    assertThat(answer.path("choices").path(0).path("message").path("content").asText())
        .isEqualTo("[mock-a] received 3 messages; last user message: \"and now?\"");
  }

  @Test
  void aJsonAnswerIsStoredWithItsUsage() {
    String first = chat("mock-model-a", false, "hello");
    HttpResponse<String> response = post(mock.port(), PATH, first);
    FakeEnvoy.Answers answers = envoy.exchange(new FakeEnvoy.Http(POLICY, REQUEST, first,
        FakeEnvoy.headers(":status", "200", "content-type", "application/json"),
        List.of(response.body().getBytes(StandardCharsets.UTF_8))));

    Struct usage = answers.responseBodies().get(0).getDynamicMetadata()
        .getFieldsOrThrow(ContextPolicyMetadata.USAGE_NAMESPACE).getStructValue();
    JsonNode reported = json(response).path("usage");
    assertThat(usage.getFieldsOrThrow("prompt_tokens").getNumberValue())
        .isEqualTo(reported.path("prompt_tokens").asDouble());
    assertThat(usage.getFieldsOrThrow("completion_tokens").getNumberValue())
        .isEqualTo(reported.path("completion_tokens").asDouble());
    assertThat(usage.getFieldsOrThrow("model").getStringValue()).isEqualTo("mock-model-a");

    FakeEnvoy.Answers next = envoy.exchange(new FakeEnvoy.Http(POLICY, REQUEST, chat("chat", false, "more"),
        FakeEnvoy.headers(":status", "500"), List.of(new byte[0])));
    JsonNode messages = json(post(mock.port(), PATH,
        next.requestBody().getRequestBody().getResponse().getBodyMutation().getBody().toStringUtf8()));
    assertThat(messages.path("choices").path(0).path("message").path("content").asText())
        .startsWith("[mock-a] received 3 messages");
  }

  private static List<byte[]> chunks(String body, int size) {
    return EnvoyFront.chunks(body.getBytes(StandardCharsets.UTF_8), size);
  }
}
