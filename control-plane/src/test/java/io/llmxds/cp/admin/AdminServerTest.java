package io.llmxds.cp.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmxds.cp.observe.ConfigVersions;
import io.llmxds.cp.observe.NodeStatusBoard;
import io.llmxds.cp.observe.RouteVersions;
import io.llmxds.cp.observe.VersionRecordingPublisher;
import io.llmxds.cp.observe.TracedReloader;
import io.llmxds.cp.publish.PublishedSnapshot;
import io.llmxds.cp.publish.XdsServer;
import io.llmxds.cp.reload.PolicyReloader;
import io.llmxds.cp.reload.ReloadTrigger;
import io.llmxds.cp.testing.PolicyDirs;
import io.llmxds.cp.testing.TestTelemetry;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import io.llmxds.cp.reload.ConfigCheck;
import io.llmxds.cp.source.DirectorySource;
import io.llmxds.cp.source.PolicyDirectoryWatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;
  private Path policies;
  private XdsServer xds;
  private AdminServer admin;
  private String token;
  private DirectorySource source;
  private final TestTelemetry telemetry = new TestTelemetry();
  private final HttpClient http = HttpClient.newHttpClient();
  private final RouteVersions routeVersions = new RouteVersions();

  @BeforeEach
  void start() throws IOException {
    policies = PolicyDirs.copyExamples(Files.createDirectory(tmp.resolve("policies")));
    Path tokenFile = tmp.resolve("state/admin-token");
    AdminToken adminToken = AdminToken.loadOrCreate(tokenFile);
    token = Files.readString(tokenFile).strip();
    xds = XdsServer.start("127.0.0.1", 0);
    source = DirectorySource.open(policies, PolicyDirectoryWatcher.DEFAULT_QUIET,
        PolicyDirectoryWatcher.DEFAULT_MAX_DELAY);
    PolicyReloader reloader = new PolicyReloader(source,
        new VersionRecordingPublisher(xds, new ConfigVersions(), routeVersions), inputs -> { }, ConfigCheck.NONE);
    TracedReloader traced = new TracedReloader(reloader, telemetry.telemetry().tracer(), List.of());
    traced.reload(ReloadTrigger.STARTUP, Context.root(), "startup");
    NodeStatusBoard board =
        new NodeStatusBoard(flavor -> xds.current(flavor).map(PublishedSnapshot::typeVersions).orElse(Map.of()));
    admin = AdminServer.start("127.0.0.1", 0, traced, source, xds, board, routeVersions, adminToken, telemetry.telemetry());
  }

  @AfterEach
  void stop() {
    admin.close();
    source.close();
    xds.close();
    telemetry.close();
  }

  @Test
  void tokenFileIsOwnerOnlyAndReusedOnRestart() throws IOException {
    Path tokenFile = tmp.resolve("state/admin-token");
    assertThat(Files.getPosixFilePermissions(tokenFile))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    assertThat(AdminToken.loadOrCreate(tokenFile).accepts("Bearer " + token)).isTrue();
    assertThat(AdminToken.loadOrCreate(tokenFile).toString()).doesNotContain(token);
  }

  @Test
  void reloadWithoutOrWithAWrongTokenIsUnauthorized() throws Exception {
    assertThat(post("/reload", null).statusCode()).isEqualTo(401);
    assertThat(post("/reload", "Bearer nope").statusCode()).isEqualTo(401);
    assertThat(post("/reload", "Basic " + token).statusCode()).isEqualTo(401);
  }

  @Test
  void reloadWithTheTokenReportsUnchangedThenAppliesAnEdit() throws Exception {
    HttpResponse<String> same = post("/reload", "Bearer " + token);
    assertThat(same.statusCode()).isEqualTo(200);
    JsonNode sameBody = JSON.readTree(same.body());
    assertThat(sameBody.get("status").asText()).isEqualTo("unchanged");
    assertThat(sameBody.get("trigger").asText()).isEqualTo("admin-api");

    PolicyDirs.edit(policies.resolve("routes.yaml"), "weight: 90", "weight: 50");
    JsonNode changed = JSON.readTree(post("/reload", "Bearer " + token).body());
    assertThat(changed.get("status").asText()).isEqualTo("success");
    assertThat(changed.get("previousVersion").asText()).isEqualTo(sameBody.get("configVersion").asText());
    assertThat(changed.get("configVersion").asText()).isNotEqualTo(sameBody.get("configVersion").asText());
  }

  @Test
  void aBadEditIsRejectedAndTheLastGoodVersionKeepsServing() throws Exception {
    String good = JSON.readTree(get("/status").body()).get("configVersion").asText();
    PolicyDirs.edit(policies.resolve("routes.yaml"), "provider: mock-b", "provider: nowhere");

    HttpResponse<String> reply = post("/reload", "Bearer " + token);
    assertThat(reply.statusCode()).isEqualTo(422);
    JsonNode body = JSON.readTree(reply.body());
    assertThat(body.get("status").asText()).isEqualTo("failure");
    assertThat(body.get("configVersion").asText()).isEqualTo(good);
    assertThat(body.get("errors").get(0).asText()).startsWith("routes.yaml:").contains("nowhere");

    JsonNode status = JSON.readTree(get("/status").body());
    assertThat(status.get("configVersion").asText()).isEqualTo(good);
    assertThat(status.get("lastReload").get("status").asText()).isEqualTo("failure");
    assertThat(xds.current().orElseThrow().configVersion()).isEqualTo(good);
  }

  /** Envoy reports a route version (span tag, response header); this finds the change that made it. */
  @Test
  void aRouteVersionLeadsToTheConfigVersionAndReloadTraceThatIntroducedIt() throws Exception {
    String first = JSON.readTree(get("/status").body()).get("configVersion").asText();
    String chatBefore = routeVersion("chat");
    String gpt4oBefore = routeVersion("gpt-4o");
    PolicyDirs.edit(policies.resolve("routes.yaml"), "weight: 90", "weight: 50");
    JsonNode reload = JSON.readTree(post("/reload", "Bearer " + token).body());
    String second = reload.get("configVersion").asText();
    String chatAfter = routeVersion("chat");
    assertThat(chatAfter).isNotEqualTo(chatBefore);
    assertThat(routeVersion("gpt-4o")).as("an untouched route keeps its version").isEqualTo(gpt4oBefore);

    JsonNode introduced = JSON.readTree(get("/route_versions?version=" + chatAfter).body());
    assertThat(introduced.get("route").asText()).isEqualTo("chat");
    assertThat(introduced.get("configVersion").asText()).isEqualTo(second);
    assertThat(introduced.get("servedNow").asBoolean()).isTrue();
    String reloadTrace = telemetry.spans("policy.reload").stream()
        .filter(sp -> second.equals(sp.getAttributes().get(io.llmxds.cp.observe.SpanAttributes.CONFIG_VERSION)))
        .findFirst().orElseThrow().getTraceId();
    assertThat(introduced.get("reloadTraceId").asText()).isEqualTo(reloadTrace);
    JsonNode untouched = JSON.readTree(get("/route_versions?version=" + gpt4oBefore).body());
    assertThat(untouched.get("configVersion").asText()).as("still the version it first came with").isEqualTo(first);
    JsonNode retired = JSON.readTree(get("/route_versions?version=" + chatBefore).body());
    assertThat(retired.get("servedNow").asBoolean()).isFalse();
    assertThat(retired.get("configVersion").asText()).isEqualTo(first);

    assertThat(get("/route_versions?version=0000000000000000").statusCode()).isEqualTo(404);
    assertThat(get("/route_versions").statusCode()).isEqualTo(400);
  }

  private String routeVersion(String route) {
    return xds.current().orElseThrow().resources().routes().get(0).getVirtualHosts(0).getRoutesList().stream()
        .filter(r -> r.getName().equals(route))
        .map(io.llmxds.cp.translate.RequestTraceTags::versionOf)
        .findFirst().orElseThrow();
  }

  @Test
  void readinessAndHealth() throws Exception {
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    assertThat(get("/status").body()).doesNotContain("sk-example-replace-me");
    assertThat(JSON.readTree(get("/status").body()).get("nodes").isArray()).isTrue();
  }

  @Test
  void everyErrorIsJson() throws Exception {
    assertError(get("/ready"), 404, "no such endpoint: /ready");
    assertError(get("/statusx"), 404, "no such endpoint: /statusx");
    assertError(get("/"), 404, "no such endpoint: /");
    HttpResponse<String> wrongMethod = post("/status", "Bearer " + token);
    assertError(wrongMethod, 405, "use GET");
    assertThat(wrongMethod.headers().firstValue("Allow")).contains("GET");
    assertError(get("/reload"), 405, "use POST");
    assertError(post("/reload", null), 401, "a valid bearer token is required");
    assertError(get("/config_dump"), 400, "say which node: /config_dump?node=<node id>");
    assertError(get("/config_dump?node="), 400, "say which node: /config_dump?node=<node id>");
    assertError(get("/config_dump?node=nobody%20here"), 404, "no connected node nobody here");
  }

  @Test
  void queryParametersAreDecoded() {
    assertThat(AdminServer.queryParameter("a=1&node=envoy%2F1&node=2", "node")).contains("envoy/1");
    assertThat(AdminServer.queryParameter("node", "node")).isEmpty();
    assertThat(AdminServer.queryParameter(null, "node")).isEmpty();
  }

  private static void assertError(HttpResponse<String> reply, int code, String message) throws Exception {
    assertThat(reply.statusCode()).isEqualTo(code);
    assertThat(reply.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(JSON.readTree(reply.body()).get("error").asText()).isEqualTo(message);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody());
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + admin.port() + path);
  }
}
