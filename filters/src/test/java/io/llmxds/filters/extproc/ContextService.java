package io.llmxds.filters.extproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.llmxds.filters.auth.AuthorizationService;
import io.llmxds.filters.config.AdsClient;
import io.llmxds.filters.config.ConfigMetrics;
import io.llmxds.filters.config.LiveSnapshot;
import io.llmxds.filters.config.XdsServerAddress;
import io.llmxds.filters.context.StoredConversationMemory;
import io.llmxds.filters.store.StoreException;
import io.llmxds.filters.testing.RecordingStoreFactory;
import io.llmxds.filters.testing.TestAdsServer;
import io.llmxds.filters.testing.TestDataPath;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The context service as it runs (real conversation memory, real stores, a real gRPC server with ext_proc and
 * ext_authz), configured over ADS by a test control plane ({@link TestAdsServer}), with spans and meters kept in
 * memory, plus builders for the requests and answers of the tests. Until a test configures it, it runs the built-in default.
 */
final class ContextService implements AutoCloseable {
  static final String SESSION_HEADER = "x-session-id";

  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build();
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final RecordingStoreFactory stores = new RecordingStoreFactory();
  final TestAdsServer controlPlane;
  /** Whether the control plane is this service's own (closed with it), not one it shares with other replicas. */
  private final boolean ownControlPlane;
  final LiveSnapshot snapshots;
  final AdsClient ads;
  final FakeEnvoy envoy;

  /**
   * @param maxBodyBytes the body limit before a config sets one
   * @param waitLimit how long a data-path response may wait for what it needs
   */
  ContextService(long maxBodyBytes, Duration waitLimit) {
    this(startControlPlane(), true, "context-service-test", maxBodyBytes, waitLimit);
  }

  ContextService(long maxBodyBytes) {
    this(maxBodyBytes, AdsClient.WAIT_LIMIT);
  }

  ContextService() {
    this(ContextProcessor.DEFAULT_MAX_BODY_BYTES);
  }

  /**
   * One replica of several that {@code controlPlane} configures, as node {@code nodeId}; the caller closes the control
   * plane.
   */
  ContextService(TestAdsServer controlPlane, String nodeId) {
    this(controlPlane, false, nodeId, ContextProcessor.DEFAULT_MAX_BODY_BYTES, AdsClient.WAIT_LIMIT);
  }

  private ContextService(TestAdsServer controlPlane, boolean ownControlPlane, String nodeId, long maxBodyBytes,
      Duration waitLimit) {
    this.controlPlane = controlPlane;
    this.ownControlPlane = ownControlPlane;
    try {
      // Stores close on the thread that lets go of them: the tests see it at once.
      snapshots = LiveSnapshot.startingWithBuiltInDefault(stores, maxBodyBytes, Runnable::run);
      ads = AdsClient.start(new XdsServerAddress("127.0.0.1", controlPlane.port()), nodeId,
          snapshots, waitLimit, new ConfigMetrics(meters, snapshots));
      envoy = FakeEnvoy.serving(new ContextProcessor(snapshots,
          new StoredConversationMemory(Duration.ofHours(24), otel, meters), otel, meters, Clock.systemUTC()),
          List.of(new AuthorizationService(snapshots, otel, meters).service()));
    } catch (IOException | StoreException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A control plane on a loopback port of its own. */
  static TestAdsServer startControlPlane() {
    try {
      return TestAdsServer.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Publishes {@code config} and waits until it has been ACKed and this service runs it (with a shared control plane
   * the ACK may be another replica's).
   */
  void configure(TestDataPath.Config config) {
    controlPlane.serve(config);
    controlPlane.awaitAcked(config);
    await("config " + config.version() + " applied").atMost(Duration.ofSeconds(20))
        .until(() -> snapshots.current().config().equals(config.version()));
  }

  /** One route for every model, under {@code policy}, on the built-in memory store and {@code stores}. */
  void configure(String version, TestDataPath.Policy policy, Cluster... stores) {
    List<Cluster> clusters = new ArrayList<>(List.of(TestDataPath.memoryStore()));
    clusters.addAll(List.of(stores));
    configure(TestDataPath.Config.of(version, clusters, TestDataPath.routeMatching("chat", policy, ".+")));
  }

  /** The store the service opened last under {@code name}. */
  RecordingStoreFactory.RecordingStore store(String name) {
    return stores.latest(name);
  }

  static Map<String, String> with(Map<String, String> map, String... pairs) {
    Map<String, String> copy = new LinkedHashMap<>(map);
    copy.putAll(FakeEnvoy.headers(pairs));
    return copy;
  }

  static Map<String, String> chatHeaders(String session) {
    return FakeEnvoy.headers(":method", "POST", ":path", "/v1/chat/completions", ":authority", "gateway",
        "content-type", "application/json", "accept-encoding", "gzip", SESSION_HEADER, session);
  }

  static Map<String, String> jsonResponseHeaders() {
    return FakeEnvoy.headers(":status", "200", "content-type", "application/json");
  }

  static Map<String, String> sseResponseHeaders() {
    return FakeEnvoy.headers(":status", "200", "content-type", "text/event-stream; charset=utf-8");
  }

  /** A chat request: an optional system message, then one user message. */
  static String chatRequest(String model, String system, String user) {
    ObjectNode body = JsonBody.JSON.createObjectNode().put("model", model);
    ArrayNode messages = body.putArray("messages");
    if (system != null) {
      messages.addObject().put("role", "system").put("content", system);
    }
    messages.addObject().put("role", "user").put("content", user);
    return body.toString();
  }

  static byte[] jsonAnswer(String model, String content, long prompt, long completion) {
    ObjectNode body = JsonBody.JSON.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion")
        .put("model", model);
    body.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop")
        .putObject("message").put("role", "assistant").put("content", content);
    body.putObject("usage").put("prompt_tokens", prompt).put("completion_tokens", completion)
        .put("total_tokens", prompt + completion);
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** An OpenAI stream: one event per delta, a usage event, {@code [DONE]}. */
  static byte[] sseAnswer(String model, long prompt, long completion, String... deltas) {
    StringBuilder sse = new StringBuilder();
    for (String delta : deltas) {
      ObjectNode chunk = JsonBody.JSON.createObjectNode().put("model", model).put("object", "chat.completion.chunk");
      chunk.putArray("choices").addObject().put("index", 0).putObject("delta").put("content", delta);
      sse.append("data: ").append(chunk).append("\n\n");
    }
    ObjectNode last = JsonBody.JSON.createObjectNode().put("model", model);
    last.putArray("choices");
    last.putObject("usage").put("prompt_tokens", prompt).put("completion_tokens", completion)
        .put("total_tokens", prompt + completion);
    sse.append("data: ").append(last).append("\n\n").append("data: [DONE]\n\n");
    return sse.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** {@code bytes} cut into chunks of {@code size} bytes: cuts fall inside lines and inside UTF-8 characters. */
  static List<byte[]> chunks(byte[] bytes, int size) {
    List<byte[]> chunks = new ArrayList<>();
    for (int from = 0; from < bytes.length; from += size) {
      chunks.add(java.util.Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + size)));
    }
    return chunks;
  }

  /**
   * One full exchange with a JSON answer behind the edge's ext_authz filter, the client's key in
   * {@code authorization: Bearer} (none when {@code key} is null).
   */
  FakeEnvoy.Answers chatWithKey(String key, String session, String requestBody, String answer) {
    Map<String, String> headers = key == null ? chatHeaders(session)
        : with(chatHeaders(session), "authorization", "Bearer " + key);
    return envoy.exchangeAuthorized(new FakeEnvoy.Http(Map.of(), headers, requestBody, jsonResponseHeaders(),
        List.of(jsonAnswer("gpt-4o-2024", answer, 10, 5))));
  }

  /** One full exchange with a JSON answer, through the edge's filter (no stream metadata). */
  FakeEnvoy.Answers chat(String session, String requestBody, String answer) {
    return envoy.exchange(new FakeEnvoy.Http(Map.of(), chatHeaders(session), requestBody, jsonResponseHeaders(),
        List.of(jsonAnswer("gpt-4o-2024", answer, 10, 5))));
  }

  /**
   * Request {@code i} of {@code session} on {@code model} ({@code "<session> q<i>"}, answered {@code "<session> a<i>"}),
   * which must reach the upstream; returns the history the service injected before it, as {@link #messages}.
   */
  List<String> converse(String model, String session, int i) {
    String body = chatRequest(model, null, question(session, i));
    return injectedBefore(chat(session, body, answer(session, i)), body, session, i);
  }

  /** {@link #converse} behind the edge's ext_authz filter, as the consumer whose key is {@code key}. */
  List<String> converseWithKey(String key, String model, String session, int i) {
    String body = chatRequest(model, null, question(session, i));
    return injectedBefore(chatWithKey(key, session, body, answer(session, i)), body, session, i);
  }

  private static List<String> injectedBefore(FakeEnvoy.Answers answers, String body, String session, int i) {
    assertThat(answers.localReply()).as("request " + i + " of " + session).isEmpty();
    List<String> sent = messages(answers.upstreamBody(body));
    assertThat(sent.get(sent.size() - 1)).isEqualTo("user:" + question(session, i));
    return sent.subList(0, sent.size() - 1);
  }

  static String question(String session, int i) {
    return session + " q" + i;
  }

  static String answer(String session, int i) {
    return session + " a" + i;
  }

  /** What {@link #converse} injects of requests {@code from} until {@code to} (exclusive) of {@code session}. */
  static List<String> turns(String session, int from, int to) {
    List<String> turns = new ArrayList<>();
    for (int i = from; i < to; i++) {
      turns.add("user:" + question(session, i));
      turns.add("assistant:" + answer(session, i));
    }
    return turns;
  }

  /** The (role, content) pairs of a request body's messages. */
  static List<String> messages(String body) {
    try {
      List<String> out = new ArrayList<>();
      for (JsonNode m : JsonBody.JSON.readTree(body).get("messages")) {
        out.add(m.get("role").asText() + ":" + m.get("content").asText());
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  double counter(String name, String... tags) {
    var counter = meters.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  @Override
  public void close() {
    envoy.close();
    ads.close();
    if (ownControlPlane) {
      controlPlane.close();
    }
    snapshots.close();
    otel.close();
  }
}
