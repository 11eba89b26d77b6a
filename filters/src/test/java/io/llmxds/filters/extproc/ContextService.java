package io.llmxds.filters.extproc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
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
 * The context service as it runs (real conversation memory, real stores, a real gRPC server), configured over ADS by
 * a test control plane ({@link TestAdsServer}), with spans and meters kept in memory, plus builders for the requests
 * and answers of the tests. Until a test configures it, it runs the built-in default.
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
  final LiveSnapshot snapshots;
  final AdsClient ads;
  final FakeEnvoy envoy;

  /**
   * @param maxBodyBytes the body limit before a config sets one
   * @param waitLimit how long a data-path response may wait for what it needs
   */
  ContextService(long maxBodyBytes, Duration waitLimit) {
    try {
      controlPlane = TestAdsServer.start();
      // Stores close on the thread that lets go of them: the tests see it at once.
      snapshots = LiveSnapshot.startingWithBuiltInDefault(stores, maxBodyBytes, Runnable::run);
      ads = AdsClient.start(new XdsServerAddress("127.0.0.1", controlPlane.port()), "context-service-test",
          snapshots, waitLimit, new ConfigMetrics(meters, snapshots));
      envoy = FakeEnvoy.serving(new ContextProcessor(snapshots,
          new StoredConversationMemory(Duration.ofHours(24), otel, meters), otel, meters, Clock.systemUTC()));
    } catch (IOException | StoreException e) {
      throw new IllegalStateException(e);
    }
  }

  ContextService(long maxBodyBytes) {
    this(maxBodyBytes, AdsClient.WAIT_LIMIT);
  }

  ContextService() {
    this(ContextProcessor.DEFAULT_MAX_BODY_BYTES);
  }

  /** Publishes {@code config} and waits until the service has ACKed all of it. */
  void configure(TestDataPath.Config config) {
    controlPlane.serve(config);
    controlPlane.awaitAcked(config);
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

  /** One full exchange with a JSON answer, through the edge's filter (no stream metadata). */
  FakeEnvoy.Answers chat(String session, String requestBody, String answer) {
    return envoy.exchange(new FakeEnvoy.Http(Map.of(), chatHeaders(session), requestBody, jsonResponseHeaders(),
        List.of(jsonAnswer("gpt-4o-2024", answer, 10, 5))));
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
    controlPlane.close();
    snapshots.close();
    otel.close();
  }
}
