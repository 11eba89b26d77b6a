package io.llmxds.examples.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmxds.cp.cli.LlmXds;
import io.llmxds.cp.policy.LoadResult;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.PolicyLoader;
import io.llmxds.cp.policy.Provider;
import io.llmxds.cp.testing.AdsTestClient;
import io.llmxds.cp.testing.LiveControlPlane;
import io.llmxds.cp.testing.PolicyDirs;
import io.llmxds.cp.testing.TestTelemetry;
import io.llmxds.examples.local.MockProviders;
import io.llmxds.examples.mockllm.MockLlm;
import io.llmxds.examples.mockllm.MockLlmClient;
import io.llmxds.filters.server.ContextServer;
import io.llmxds.filters.testing.LocalRedis;
import io.llmxds.filters.testing.LoopbackContextServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What {@code bin/run} and the scenario's script start, on ports the OS chooses: a mock LLM for every loopback
 * provider of the scenario's {@code policies/}, a redis-server for every Redis port the script starts one on, the
 * control plane serving a working copy of those policies in which every scenario port is rewritten to the test's, and
 * the context service, configured by that control plane over xDS. Steps are applied the way the scenario's script
 * applies them — the step's files copied over the working copy — and then reloaded through the admin API.
 */
final class ScenarioStack implements AutoCloseable {
  private static final Path SCENARIOS = Path.of("scenarios"); // Maven runs tests in the module directory
  /** The context service's port in every scenario's Gateway policy. */
  private static final int SCENARIO_CONTEXT_PORT = 50051;

  private final Path scenario;
  private final List<MockLlm> mocks = new ArrayList<>();
  private final Map<String, String> portRewrites = new LinkedHashMap<>();
  private final TestTelemetry contextTelemetry = new TestTelemetry();
  private final Map<String, LocalRedis> redis = new LinkedHashMap<>();
  private ContextServer contextService;
  private final Path work;
  private final Path tokenFile;
  private final LiveControlPlane live;

  private ScenarioStack(String name, Path tmp) throws Exception {
    scenario = SCENARIOS.resolve(name);
    assertThat(scenario.resolve("policies")).as("scenario directory").isDirectory();
    try {
      PolicyBundle bundle = load(scenario.resolve("policies"));
      for (Provider provider : bundle.providers().stream().filter(MockProviders::isLocal).toList()) {
        MockLlm mock = MockLlm.start(MockLlm.Settings.of(provider.name(), 0));
        mocks.add(mock);
        portRewrites.put(provider.host() + ":" + provider.port(), provider.host() + ":" + mock.port());
      }
      for (int port : scriptRedisPorts(scenario)) {
        LocalRedis server = LocalRedis.start();
        redis.put("127.0.0.1:" + port, server);
        portRewrites.put("127.0.0.1:" + port, "127.0.0.1:" + server.port());
      }
      work = Files.createDirectory(tmp.resolve("policies"));
      copyRewritten(scenario.resolve("policies"), work);
      tokenFile = tmp.resolve("admin-token");
      live = LiveControlPlane.serve(work, tokenFile, 0);
      // The control plane must run before the service can follow it, and the service before the Gateway can name
      // its port: the first version names the scenario's port, the reload the service's own.
      contextService = LoopbackContextServer.following(contextTelemetry.telemetry(), live.controlPlane().xdsPort());
      portRewrites.put("port: " + SCENARIO_CONTEXT_PORT, "port: " + contextService.port());
      copyRewritten(scenario.resolve("policies"), work);
      live.reload();
      LoopbackContextServer.awaitConfig(contextService, configVersion());
    } catch (Exception | AssertionError e) {
      closeServices();
      throw e;
    }
  }

  /** Starts the stack of {@code examples/scenarios/<name>}, keeping its files in {@code tmp}. */
  static ScenarioStack start(String name, Path tmp) throws Exception {
    return new ScenarioStack(name, tmp);
  }

  /** The scenario's steps, in the order the script applies them. */
  List<String> steps() throws IOException {
    try (Stream<Path> steps = Files.list(scenario.resolve("steps"))) {
      return steps.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Applies {@code step} and asserts that the control plane published a new config version. */
  void apply(String step) {
    saveStep(step);
    live.reload();
  }

  /** Applies {@code step}, which the control plane must refuse: returns the errors of {@code POST /reload}. */
  String applyRefused(String step) {
    saveStep(step);
    HttpResponse<String> reply = postReload();
    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(422);
    return reply.body();
  }

  /** The work directory as {@code step} would leave it, without saving it: what the control plane would compile. */
  Path preview(String step, Path tmp) {
    Path copy = tmp.resolve("preview-" + step);
    PolicyDirs.copy(work, copy);
    copyRewritten(scenario.resolve("steps").resolve(step), copy);
    return copy;
  }

  /** Connects an Envoy-like node (cluster {@code llm-gateway}) and waits until it runs the served config. */
  AdsTestClient connectEnvoy(String nodeId) {
    return live.connectSynced(nodeId);
  }

  LiveControlPlane live() {
    return live;
  }

  String configVersion() {
    return live.controlPlane().xds().current().orElseThrow().configVersion();
  }

  TestTelemetry contextTelemetry() {
    return contextTelemetry;
  }

  /** Node {@code nodeId}'s entry for {@code typeUrl} in {@code GET /status}. */
  JsonNode nodeStatus(String nodeId, String typeUrl) throws IOException {
    JsonNode status = MockLlmClient.JSON.readTree(live.get("/status").body());
    for (JsonNode node : status.get("nodes")) {
      if (node.get("node").asText().equals(nodeId)) {
        return node.get("types").get(typeUrl);
      }
    }
    throw new AssertionError(nodeId + " is not in " + status);
  }

  /** {@code llm-xds status} as bin/llm-xds runs it; asserts its exit code and returns what it printed. */
  String statusCommand(int exitCode) {
    StringWriter out = new StringWriter();
    int code = LlmXds.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(out, true))
        .execute("status", "--admin", live.adminUrl());
    assertThat(code).as(out.toString()).isEqualTo(exitCode);
    return out.toString();
  }

  /** Waits until the context service runs the config the control plane serves now. */
  void awaitContextService() {
    LoopbackContextServer.awaitConfig(contextService, configVersion());
  }

  /** The redis-server standing in for the scenario's ContextStore address {@code hostPort} (as its policies say). */
  LocalRedis redis(String hostPort) {
    LocalRedis server = redis.get(hostPort);
    assertThat(server).as("a loopback Redis of the scenario at %s", hostPort).isNotNull();
    return server;
  }

  /** The mock LLM standing in for provider {@code name}. */
  MockLlm mock(String name) {
    return mocks.stream().filter(m -> m.backend().equals(name)).findFirst().orElseThrow();
  }

  private void saveStep(String step) {
    Path dir = scenario.resolve("steps").resolve(step);
    assertThat(dir).as("step").isDirectory();
    copyRewritten(dir, work);
  }

  private HttpResponse<String> postReload() {
    try {
      return live.send(HttpRequest.newBuilder(URI.create(live.adminUrl() + "/reload"))
          .header("Authorization", "Bearer " + Files.readString(tokenFile).strip())
          .POST(HttpRequest.BodyPublishers.noBody()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies the files of {@code from} into {@code to} with every scenario port replaced by the test's. */
  private void copyRewritten(Path from, Path to) {
    // One pass: a port the OS chose may equal another scenario port, which must not be rewritten again.
    Pattern ports = Pattern.compile(portRewrites.keySet().stream().map(Pattern::quote)
        .collect(Collectors.joining("|")));
    PolicyDirs.copy(from, to, text -> ports.matcher(text)
        .replaceAll(m -> Matcher.quoteReplacement(portRewrites.get(m.group()))));
  }

  private static PolicyBundle load(Path policies) {
    LoadResult result = PolicyLoader.load(policies);
    assertThat(result).as("%s loads", policies).isInstanceOf(LoadResult.Loaded.class);
    return ((LoadResult.Loaded) result).bundle();
  }

  /**
   * The Redis ports its script starts a redis-server on ({@code SCENARIO_REDIS_PORTS=(…)}, examples/scenarios/lib.sh):
   * what a ContextStore on {@code 127.0.0.1:<port>} finds there. A port only a step names stays closed, as it does
   * when the script runs.
   */
  private static List<Integer> scriptRedisPorts(Path scenario) throws IOException {
    Matcher ports = Pattern.compile("(?m)^SCENARIO_REDIS_PORTS=\\(([0-9 ]*)\\)").matcher(
        Files.readString(scenario.resolve("run")));
    return ports.find()
        ? Stream.of(ports.group(1).trim().split(" +")).filter(p -> !p.isEmpty()).map(Integer::valueOf).toList()
        : List.of();
  }

  @Override
  public void close() {
    live.close();
    closeServices();
  }

  private void closeServices() {
    if (contextService != null) {
      contextService.close();
    }
    redis.values().forEach(LocalRedis::close);
    contextTelemetry.close();
    mocks.forEach(MockLlm::close);
  }
}
