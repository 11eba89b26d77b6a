package io.llmxds.envoy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.llmxds.cp.observe.SpanAttributes;
import io.llmxds.cp.testing.LiveControlPlane;
import io.llmxds.cp.testing.PolicyDirs;
import io.llmxds.cp.testing.TestTelemetry;
import io.llmxds.cp.translate.EnvoyResources;
import io.llmxds.cp.translate.RequestTraceTags;
import io.llmxds.envoy.EdgePolicies.Edit;
import io.llmxds.envoy.EdgePolicies.HttpsRoute;
import io.llmxds.envoy.EdgePolicies.TestConsumer;
import io.llmxds.examples.mockllm.MockLlm;
import io.llmxds.filters.server.ContextServer;
import io.llmxds.filters.testing.LoopbackContextServer;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The whole edge on one machine: a real Envoy (from {@link EnvoyRuntime}) configured by a control plane serving a
 * copy of {@code examples/policies}, calling the ext_proc context service (memory store), routing to mock LLMs, and
 * exporting its request spans to an OTLP receiver. Everything but Envoy runs in the test JVM on ports the OS
 * chooses; the policies are rewritten to those ports. A test may add https providers ({@link HttpsRoute}): they are
 * served by one more mock, {@link #TLS_MOCK}, speaking TLS with the test PKI's server certificate.
 *
 * <p>What the tests use: requests through Envoy ({@link #chat}), the mocks' counters, policy edits and reloads that
 * wait for Envoy's ACK ({@link #edit}, {@link #apply}), the control plane's view of the node ({@link #nodeStatus},
 * {@link #ackedVersion}) and of what it serves ({@link #routeVersion}, {@link #requestBufferLimit}), and the spans.
 * Every {@code Envoy*Test} gets one per test through {@link EnvoyEndToEnd} (EnvoyHttpsProviderTest with its https
 * routes); EdgeStackTest and EdgeStackHttpsTest start it with the ADS test client in Envoy's place.
 */
final class EdgeStack implements AutoCloseable {

  static final String NODE_ID = "envoy-e2e";
  static final Duration PATIENCE = Duration.ofSeconds(30);
  /** The backend name of the TLS mock behind every {@link HttpsRoute}. */
  static final String TLS_MOCK = "mock-tls";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<AutoCloseable> started = new ArrayList<>();
  private final Map<String, MockLlm> mocks = new LinkedHashMap<>();
  private final TestTelemetry contextTelemetry = new TestTelemetry();
  // HTTP/1.1 as every request gets anyway (Envoy ignores h2c upgrades, http1/codec_impl.cc:855-862), said here so
  // that a body's limit is the listener's buffer (docs/envoy-semantics.md H1), not an HTTP/2 window.
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private ContextServer context;
  private OtlpTraceReceiver traces;
  private LiveControlPlane controlPlane;
  private RunningEnvoy envoy;
  private SocketAddress listener;

  private EdgeStack() {}

  static EdgeStack start(Path tmp, EnvoyRuntime runtime) throws Exception {
    return start(tmp, runtime, List.of());
  }

  /** With {@code httpsRoutes} in the policies from the start: Envoy must reach the TLS mock before it is ready. */
  static EdgeStack start(Path tmp, EnvoyRuntime runtime, List<HttpsRoute> httpsRoutes) throws Exception {
    return start(tmp, runtime, httpsRoutes, List.of());
  }

  /** With {@code consumers} too: the gateway authenticates every request from the start. */
  static EdgeStack start(Path tmp, EnvoyRuntime runtime, List<HttpsRoute> httpsRoutes, List<TestConsumer> consumers)
      throws Exception {
    EdgeStack stack = new EdgeStack();
    try {
      stack.startAll(tmp, runtime, httpsRoutes, consumers);
      return stack;
    } catch (Exception | Error e) {
      stack.close();
      throw e;
    }
  }

  private void startAll(Path tmp, EnvoyRuntime runtime, List<HttpsRoute> httpsRoutes, List<TestConsumer> consumers)
      throws Exception {
    started.add(contextTelemetry);
    Map<String, Integer> mockPorts = new LinkedHashMap<>();
    for (String name : EdgePolicies.MOCK_URLS.keySet()) {
      mockPorts.put(name, startMock(MockLlm.Settings.of(name, 0)).port());
    }
    List<Integer> hostPorts = new ArrayList<>(mockPorts.values());
    Optional<MockLlm> tlsMock = httpsRoutes.isEmpty() ? Optional.empty()
        : Optional.of(startMock(MockLlm.Settings.of(TLS_MOCK, 0).withTls(TestPki.SERVER)));
    tlsMock.ifPresent(mock -> hostPorts.add(mock.port()));
    traces = OtlpTraceReceiver.start();
    started.add(traces);

    listener = runtime.listener();
    // The control plane starts first (the context service follows it), on the examples' context port; once the
    // service listens, the Gateway names its port, before Envoy starts.
    Path policies = EdgePolicies.write(Files.createDirectory(tmp.resolve("policies")), listener,
        runtime.hostAddress(), EdgePolicies.EXAMPLES_CONTEXT_PORT, mockPorts);
    tlsMock.ifPresent(mock -> EdgePolicies.addHttpsRoutes(policies, runtime.hostAddress(), mock.port(), httpsRoutes));
    if (!consumers.isEmpty()) {
      EdgePolicies.addConsumers(policies, consumers);
    }
    controlPlane = LiveControlPlane.serve(policies, tmp.resolve("admin-token"), 0);
    started.add(controlPlane);
    context = LoopbackContextServer.following(contextTelemetry.telemetry(), controlPlane.controlPlane().xdsPort());
    started.add(context);
    EdgePolicies.pointGatewayAtContextService(policies, runtime.hostAddress(), context.port());
    controlPlane.reload();
    LoopbackContextServer.awaitConfig(context, controlPlane.controlPlane().xds().current().orElseThrow()
        .configVersion());

    int xdsPort = controlPlane.controlPlane().xdsPort();
    Bootstrap bootstrap = EnvoyBootstrap.forTest(NODE_ID, runtime.admin(), runtime.hostAddress(), xdsPort,
        traces.port());
    hostPorts.addAll(List.of(xdsPort, context.port(), traces.port()));
    envoy = runtime.start(bootstrap, listener, hostPorts, tmp);
    started.add(envoy);
    try {
      awaitSynced();
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(runtime.description() + " did not sync; its log:\n" + envoy.log(), e);
    }
  }

  private MockLlm startMock(MockLlm.Settings settings) throws IOException {
    MockLlm mock = MockLlm.start(settings);
    mocks.put(settings.backend(), mock);
    started.add(mock);
    return mock;
  }

  LiveControlPlane controlPlane() {
    return controlPlane;
  }

  RunningEnvoy envoy() {
    return envoy;
  }

  MockLlm mock(String name) {
    return mocks.get(name);
  }

  /** Stops the data-path service (ext_proc and ext_authz): Envoy's calls to it fail from now on. */
  void stopContextService() {
    context.close();
  }

  /** The spans of the context service (the GenAI spans and the context.* ones). */
  TestTelemetry contextTelemetry() {
    return contextTelemetry;
  }

  OtlpTraceReceiver traces() {
    return traces;
  }

  /** The config version the control plane serves now. */
  String servedVersion() {
    return status().get("configVersion").asText();
  }

  /** The edge resources the control plane serves now. */
  EnvoyResources served() {
    return controlPlane.controlPlane().xds().current().orElseThrow().resources();
  }

  /** The version of {@code route} the control plane serves now (what Envoy reports in x-llm-route-version). */
  String routeVersion(String route) {
    return served().routes().get(0).getVirtualHosts(0).getRoutesList().stream()
        .filter(r -> r.getName().equals(route))
        .map(RequestTraceTags::versionOf)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no route " + route));
  }

  /**
   * The largest request body Envoy buffers from an HTTP/1.1 client: the served listener's
   * {@code per_connection_buffer_limit_bytes} (docs/envoy-semantics.md H1), from the Gateway's requestBufferLimit.
   */
  long requestBufferLimit() {
    return served().listeners().get(0).getPerConnectionBufferLimitBytes().getValue();
  }

  /** {@code GET /route_versions?version=}: the config version and reload that introduced a route version. */
  JsonNode introducedBy(String routeVersion) {
    HttpResponse<String> reply = controlPlane.get("/route_versions?version=" + routeVersion);
    try {
      return JSON.readTree(reply.body());
    } catch (IOException e) {
      throw new AssertionError("GET /route_versions: " + reply.body(), e);
    }
  }

  /** This Envoy's entry in the control plane's {@code GET /status}. */
  JsonNode nodeStatus() {
    for (JsonNode node : status().get("nodes")) {
      if (node.get("node").asText().equals(NODE_ID)) {
        return node;
      }
    }
    throw new AssertionError("node " + NODE_ID + " is not in /status: " + status());
  }

  /** The version of {@code typeUrl}'s resources Envoy last ACKed, as the control plane's /status reports it. */
  String ackedVersion(String typeUrl) {
    return nodeStatus().get("types").get(typeUrl).get("ackedVersion").asText();
  }

  /** Waits until Envoy has ACKed every type at the served version (the control plane's /status says SYNCED). */
  void awaitSynced() {
    await().atMost(PATIENCE).untilAsserted(() -> {
      JsonNode node = nodeStatus();
      assertThat(node.get("configVersion").asText()).as("%s", node).isEqualTo(servedVersion());
      node.get("types").forEach(t -> assertThat(t.get("state").asText()).as("%s", node).isEqualTo("SYNCED"));
    });
  }

  /** Waits until the control plane's /status says Envoy NACKed {@code typeUrl}; returns that type's status. */
  JsonNode awaitNacked(String typeUrl) {
    return await().atMost(PATIENCE).until(() -> nodeStatus().get("types").get(typeUrl),
        type -> type != null && type.get("state").asText().equals("NACKED"));
  }

  /** The control plane's {@code xds.push} span that ended with Envoy's NACK of {@code typeUrl}. */
  SpanData nackedPush(String typeUrl) {
    return await().atMost(PATIENCE).until(() -> controlPlane.telemetry().spans("xds.push").stream()
        .filter(s -> "nack".equals(s.getAttributes().get(SpanAttributes.OUTCOME)))
        .filter(s -> typeUrl.equals(s.getAttributes().get(SpanAttributes.TYPE_URL)))
        .findFirst(), Optional::isPresent).orElseThrow();
  }

  /** Waits until the context service (and its rate-limit service) runs the config the control plane serves now. */
  void awaitContextService() {
    LoopbackContextServer.awaitConfig(context, servedVersion());
  }

  /** Saves an edit of a policy file (not yet reloaded). */
  void edit(String file, String from, String to) {
    PolicyDirs.edit(controlPlane.policies().resolve(file), from, to);
  }

  /** Saves edits of policy files, in order (not yet reloaded). */
  void edit(List<Edit> edits) {
    edits.forEach(e -> e.applyTo(controlPlane.policies()));
  }

  /** Saves an edit of the one document named {@code name} in a policy file (not yet reloaded). */
  void edit(String file, String name, String from, String to) {
    EdgePolicies.editDocument(controlPlane.policies().resolve(file), name, from, to);
  }

  /** Reloads through the admin API and waits until Envoy has ACKed the new version. */
  void apply() {
    controlPlane.reload();
    awaitSynced();
  }

  /** Saves the Gateway policy with the listener moved to {@code port} (same host; not yet reloaded). */
  void moveListenerTo(int port) {
    edit("gateway.yaml", listenerInPolicy(),
        EdgePolicies.listenerInPolicy(listener.toBuilder().setPortValue(port).build()));
  }

  /** Where the Gateway policy puts the listener now, as its {@code gateway.yaml} spells it. */
  String listenerInPolicy() {
    return EdgePolicies.listenerInPolicy(listener);
  }

  /** {@code POST /v1/chat/completions} through Envoy with one user message. */
  HttpResponse<String> chat(String model, String userMessage, String... headers) {
    return chat(model, List.of(Map.of("role", "user", "content", userMessage)), headers);
  }

  HttpResponse<String> chat(String model, List<Map<String, String>> messages, String... headers) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", model);
    body.put("messages", messages);
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(envoy.gateway().resolve("/v1/chat/completions"))
          .timeout(Duration.ofSeconds(30))
          .header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
      if (headers.length > 0) {
        request.headers(headers);
      }
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("request through Envoy failed; Envoy's log:\n" + envoy.log(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The assistant's answer text of a chat completion. */
  static String answer(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body()).at("/choices/0/message/content").asText();
    } catch (IOException e) {
      throw new AssertionError("not a chat completion: " + response.body(), e);
    }
  }

  /** The model the upstream saw, as the mock echoes it. */
  static String echoedModel(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body()).get("model").asText();
    } catch (IOException e) {
      throw new AssertionError("not a chat completion: " + response.body(), e);
    }
  }

  private JsonNode status() {
    HttpResponse<String> reply = controlPlane.get("/status");
    try {
      return JSON.readTree(reply.body());
    } catch (IOException e) {
      throw new AssertionError("GET /status: " + reply.body(), e);
    }
  }

  @Override
  public void close() throws Exception {
    Exception failure = null;
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        failure = failure == null ? e : failure;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
