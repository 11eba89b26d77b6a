package io.llmxds.examples.mockllm;

import static io.llmxds.examples.mockllm.MockLlmClient.chat;
import static io.llmxds.examples.mockllm.MockLlmClient.get;
import static io.llmxds.examples.mockllm.MockLlmClient.json;
import static io.llmxds.examples.mockllm.MockLlmClient.post;
import static io.llmxds.examples.mockllm.MockLlmClient.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.BindException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MockLlmTest {
  private static final String PATH = "/v1/chat/completions";
  private final List<MockLlm> mocks = new ArrayList<>();

  @AfterEach
  void close() {
    mocks.forEach(MockLlm::close);
  }

  private MockLlm start(MockLlm.Settings settings) throws IOException {
    MockLlm mock = MockLlm.start(settings, new Random(7));
    mocks.add(mock);
    return mock;
  }

  private MockLlm mockA() throws IOException {
    return start(MockLlm.Settings.of("mock-a", 0));
  }

  @Test
  void answersLikeOpenAiWithTheRequestedModelAndTheMessageCount() throws IOException {
    MockLlm mock = mockA();

    String request = chat("mock-model-a", false, "hi", "hello!", "how are you?");

    HttpResponse<String> response = post(mock.port(), PATH, request);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("x-llm-backend")).hasValue("mock-a");
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode body = json(response);
    assertThat(body.path("object").asText()).isEqualTo("chat.completion");
    assertThat(body.path("id").asText()).startsWith("chatcmpl-");
    assertThat(body.path("created").canConvertToLong()).isTrue();
    assertThat(body.path("model").asText()).isEqualTo("mock-model-a");
    JsonNode choice = body.path("choices").path(0);
    assertThat(choice.path("index").asInt()).isZero();
    assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
    assertThat(choice.path("message").path("content").asText())
        .isEqualTo("[mock-a] received 3 messages; last user message: \"how are you?\"");
    assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
    JsonNode usage = body.path("usage");
    // chars/4 rounded up: 20 characters of prompt, 64 of answer
    assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(5);
    assertThat(usage.path("completion_tokens").asLong()).isEqualTo(16);
    assertThat(usage.path("total_tokens").asLong()).isEqualTo(21);
    assertThat(mock.requests()).isEqualTo(1);
  }

  /** EnvoyLargeBodyTest sends a 6 MB prompt through Envoy: the mock itself must read it whole. */
  @Test
  void readsASixMegabytePromptWhole() throws IOException {
    MockLlm mock = mockA();

    HttpResponse<String> response = post(mock.port(), PATH, chat("m", false, "p".repeat(6_000_000)));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).path("usage").path("prompt_tokens").asLong()).isEqualTo(1_500_000);
  }

  @Test
  void readsContentPartsAsText() throws IOException {
    MockLlm mock = mockA();
    String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"one\"},"
        + "{\"type\":\"text\",\"text\":\"two\"}]}]}";

    JsonNode answer = json(post(mock.port(), "/chat/completions", body));

    assertThat(answer.path("choices").path(0).path("message").path("content").asText())
        .isEqualTo("[mock-a] received 2 messages; last user message: \"one\ntwo\"");
  }

  @Test
  void streamsServerSentEventsEndingWithUsageAndDone() throws IOException {
    MockLlm mock = mockA();
    String expected = json(post(mock.port(), PATH, chat("chat", false, "hello"))).path("choices").path(0)
        .path("message").path("content").asText();

    HttpResponse<String> response = post(mock.port(), PATH, chat("chat", true, "hello"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
    assertThat(response.headers().firstValue("x-llm-backend")).hasValue("mock-a");
    List<String> events = sseEvents(response.body());
    assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
    List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(MockLlmTest::parse).toList();
    assertThat(chunks).allSatisfy(chunk -> {
      assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
      assertThat(chunk.path("model").asText()).isEqualTo("chat");
    });
    assertThat(chunks.get(0).path("choices").path(0).path("delta").path("role").asText()).isEqualTo("assistant");
    StringBuilder content = new StringBuilder();
    chunks.forEach(c -> content.append(c.path("choices").path(0).path("delta").path("content").asText("")));
    assertThat(content).hasToString(expected);
    assertThat(chunks.size()).as("role, several content deltas, finish, usage").isGreaterThan(5);
    JsonNode finish = chunks.get(chunks.size() - 2);
    assertThat(finish.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
    JsonNode usage = chunks.get(chunks.size() - 1);
    assertThat(usage.path("choices").isArray()).isTrue();
    assertThat(usage.path("choices").isEmpty()).isTrue();
    assertThat(usage.path("usage").path("prompt_tokens").asLong()).isEqualTo(2);
    assertThat(usage.path("usage").path("completion_tokens").asLong()).isEqualTo(ChatReply.tokens(expected.length()));
    assertThat(usage.path("usage").path("total_tokens").asLong()).isEqualTo(2 + ChatReply.tokens(expected.length()));
  }

  @Test
  void sendsUsageInAStreamOnlyWhenAskedFor() throws IOException {
    MockLlm mock = mockA();

    HttpResponse<String> response =
        post(mock.port(), PATH, "{\"model\":\"chat\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");

    List<String> events = sseEvents(response.body());
    assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
    assertThat(events.subList(0, events.size() - 1)).allSatisfy(e -> assertThat(parse(e).has("usage")).isFalse());
    assertThat(parse(events.get(events.size() - 2)).path("choices").path(0).path("finish_reason").asText())
        .isEqualTo("stop");
  }

  @Test
  void waitsTheRequestedLatencyBeforeAnswering() throws IOException {
    MockLlm mock = start(MockLlm.Settings.of("slow", 0).withLatency(Duration.ofMillis(300)));

    long started = System.nanoTime();
    HttpResponse<String> configured = post(mock.port(), PATH, chat("m", false, "hi"));
    long configuredMillis = (System.nanoTime() - started) / 1_000_000;
    started = System.nanoTime();
    HttpResponse<String> overridden = post(mock.port(), PATH, chat("m", false, "hi"), "x-mock-latency-ms", "700");
    long overriddenMillis = (System.nanoTime() - started) / 1_000_000;

    assertThat(configured.statusCode()).isEqualTo(200);
    assertThat(configuredMillis).isGreaterThanOrEqualTo(300);
    assertThat(overridden.statusCode()).isEqualTo(200);
    assertThat(overriddenMillis).isGreaterThanOrEqualTo(700);
  }

  @Test
  void answersAForcedStatusWithAnOpenAiError() throws IOException {
    MockLlm mock = mockA();

    HttpResponse<String> response = post(mock.port(), PATH, chat("m", false, "hi"), "x-mock-status", "429");

    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.headers().firstValue("x-llm-backend")).hasValue("mock-a");
    JsonNode error = json(response).path("error");
    assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
    assertThat(error.path("code").asText()).isEqualTo("mock_error_429");
    assertThat(error.path("message").asText()).isEqualTo("mock-a: simulated 429 (forced by x-mock-status)");
  }

  @Test
  void failsOnlyTheBackendsTheFaultHeaderNames() throws IOException {
    MockLlm backend = mockA();
    MockLlm fallback = start(MockLlm.Settings.of("mock-fallback", 0));
    String[] failOnB = {"x-mock-fail-on", "mock-b, mock-a"};

    HttpResponse<String> failed = post(backend.port(), PATH, chat("m", false, "hi"), failOnB);
    HttpResponse<String> served = post(fallback.port(), PATH, chat("m", false, "hi"), failOnB);

    assertThat(failed.statusCode()).isEqualTo(503);
    assertThat(failed.headers().firstValue("x-llm-backend")).hasValue("mock-a");
    assertThat(json(failed).path("error").path("message").asText())
        .isEqualTo("mock-a: simulated 503 (x-mock-fail-on names mock-a)");
    assertThat(served.statusCode()).as("not named: answers normally").isEqualTo(200);
    assertThat(served.headers().firstValue("x-llm-backend")).hasValue("mock-fallback");
  }

  @Test
  void aNamedBackendFailsWithTheServersErrorStatusWhateverXMockStatusSays() throws IOException {
    MockLlm mock = start(MockLlm.Settings.of("mock-a", 0).withErrors(0, 500));

    HttpResponse<String> response =
        post(mock.port(), PATH, chat("m", false, "hi"), "x-mock-fail-on", "mock-a", "x-mock-status", "200");

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(json(response).path("error").path("type").asText()).isEqualTo("server_error");
  }

  @Test
  void aForcedSuccessWinsOverTheErrorRate() throws IOException {
    MockLlm mock = start(MockLlm.Settings.of("flaky", 0).withErrors(1.0, 503));

    assertThat(post(mock.port(), PATH, chat("m", false, "hi"), "x-mock-status", "200").statusCode()).isEqualTo(200);
  }

  @Test
  void errorRateOneFailsEveryRequest() throws IOException {
    MockLlm mock = start(MockLlm.Settings.of("down", 0).withErrors(1.0, 503));

    List<Integer> statuses = IntStream.range(0, 20)
        .mapToObj(i -> post(mock.port(), PATH, chat("m", false, "hi")).statusCode()).toList();

    assertThat(statuses).containsOnly(503);
    HttpResponse<String> one = post(mock.port(), PATH, chat("m", false, "hi"));
    assertThat(json(one).path("error").path("type").asText()).isEqualTo("server_error");
    assertThat(one.headers().firstValue("x-llm-backend")).hasValue("down");
    assertThat(mock.requests()).isEqualTo(21);
  }

  @Test
  void errorRateZeroFailsNone() throws IOException {
    MockLlm mock = mockA();

    List<Integer> statuses = IntStream.range(0, 20)
        .mapToObj(i -> post(mock.port(), PATH, chat("m", false, "hi")).statusCode()).toList();

    assertThat(statuses).containsOnly(200);
  }

  @Test
  void aPartialErrorRateFailsSomeAndServesTheRest() throws IOException {
    MockLlm mock = start(MockLlm.Settings.of("flaky", 0).withErrors(0.5, 500));

    List<Integer> statuses = IntStream.range(0, 40)
        .mapToObj(i -> post(mock.port(), PATH, chat("m", false, "hi")).statusCode()).toList();

    // Seeded draw: the exact split is fixed, both outcomes occur.
    assertThat(statuses).contains(200, 500).containsOnly(200, 500);
  }

  @Test
  void refusesMalformedJsonWithTheParserReason() throws IOException {
    MockLlm mock = mockA();

    HttpResponse<String> response = post(mock.port(), PATH, "{\"model\": \"m\", \"messages\": [");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("x-llm-backend")).hasValue("mock-a");
    JsonNode error = json(response).path("error");
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("code").asText()).isEqualTo("invalid_json");
    assertThat(error.path("message").asText()).startsWith("request body is not valid JSON: Unexpected end-of-input");
  }

  @Test
  void refusesARequestWithoutMessagesOrModel() throws IOException {
    MockLlm mock = mockA();

    JsonNode noMessages = json(post(mock.port(), PATH, "{\"model\":\"m\",\"messages\":[]}"));
    JsonNode noModel = json(post(mock.port(), PATH, "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));
    HttpResponse<String> notAnObject = post(mock.port(), PATH, "[1]");

    assertThat(noMessages.path("error").path("message").asText()).isEqualTo("'messages' must be a non-empty array");
    assertThat(noModel.path("error").path("message").asText()).isEqualTo("'model' must be a non-empty string");
    assertThat(notAnObject.statusCode()).isEqualTo(400);
    assertThat(json(notAnObject).path("error").path("message").asText())
        .isEqualTo("request body must be a JSON object");
  }

  @Test
  void refusesAnInvalidOverrideHeader() throws IOException {
    MockLlm mock = mockA();

    HttpResponse<String> latency = post(mock.port(), PATH, chat("m", false, "hi"), "x-mock-latency-ms", "soon");
    HttpResponse<String> status = post(mock.port(), PATH, chat("m", false, "hi"), "x-mock-status", "302");

    assertThat(latency.statusCode()).isEqualTo(400);
    assertThat(json(latency).path("error").path("message").asText())
        .isEqualTo("header x-mock-latency-ms: expected an integer from 0 to 600000, got \"soon\"");
    assertThat(status.statusCode()).isEqualTo(400);
    assertThat(json(status).path("error").path("message").asText())
        .isEqualTo("header x-mock-status: expected 200 or an error status (400 to 599), got 302");
  }

  @Test
  void answersUnknownPathsWith404AndWrongMethodsWith405() throws IOException {
    MockLlm mock = mockA();

    HttpResponse<String> unknown = post(mock.port(), "/v1/files", "{}");
    HttpResponse<String> wrongMethod = get(mock.port(), PATH);
    HttpResponse<String> postHealth = send(MockLlmClient.request(mock.port(), "/healthz")
        .POST(HttpRequest.BodyPublishers.noBody()));

    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown).path("error").path("code").asText()).isEqualTo("unknown_url");
    assertThat(unknown.headers().firstValue("x-llm-backend")).hasValue("mock-a");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("allow")).hasValue("POST");
    assertThat(json(wrongMethod).path("error").path("code").asText()).isEqualTo("method_not_allowed");
    assertThat(wrongMethod.headers().firstValue("x-llm-backend")).hasValue("mock-a");
    assertThat(postHealth.statusCode()).isEqualTo(405);
    assertThat(mock.requests()).as("only requests to an API count").isZero();
  }

  @Test
  void answersHealthChecks() throws IOException {
    MockLlm mock = mockA();

    HttpResponse<String> health = get(mock.port(), "/healthz");

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("ok\n");
    assertThat(health.headers().firstValue("x-llm-backend")).hasValue("mock-a");
  }

  @Test
  void namesTheBackendAndPortWhenThePortIsTaken() throws IOException {
    MockLlm first = mockA();

    assertThatThrownBy(() -> start(MockLlm.Settings.of("mock-b", first.port())))
        .isInstanceOf(BindException.class)
        .hasMessageStartingWith("mock LLM 'mock-b' cannot listen on 127.0.0.1:" + first.port() + ": ");
  }

  @Test
  void closingFreesThePort() throws IOException {
    MockLlm mock = mockA();
    int port = mock.port();

    mock.close();

    start(MockLlm.Settings.of("again", port)).close();
  }

  @Test
  void refusesImpossibleSettings() {
    assertThatThrownBy(() -> MockLlm.Settings.of("m", 0).withErrors(1.5, 503))
        .hasMessage("errorRate must be between 0 and 1, got 1.5");
    assertThatThrownBy(() -> MockLlm.Settings.of("m", 0).withErrors(0.1, 200))
        .hasMessage("errorStatus must be 4xx or 5xx, got 200");
    assertThatThrownBy(() -> MockLlm.Settings.of("m", 0).withLatency(Duration.ofMillis(-1)))
        .hasMessage("latency must not be negative, got PT-0.001S");
  }

  /** The data of each event, checking the framing: every event is one {@code data:} line and a blank line. */
  static List<String> sseEvents(String body) {
    assertThat(body).endsWith("\n\n");
    List<String> events = new ArrayList<>();
    for (String event : body.split("\n\n")) {
      assertThat(event).startsWith("data: ").doesNotContain("\n");
      events.add(event.substring("data: ".length()));
    }
    return events;
  }

  private static JsonNode parse(String event) {
    try {
      return MockLlmClient.JSON.readTree(event);
    } catch (IOException e) {
      throw new AssertionError("event is not JSON: " + event, e);
    }
  }
}
