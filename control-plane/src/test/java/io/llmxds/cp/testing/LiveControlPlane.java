package io.llmxds.cp.testing;

import static io.llmxds.cp.testing.AdsTestClient.RDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.llmxds.common.tls.TlsFiles;
import io.llmxds.cp.ControlPlane;
import io.llmxds.cp.admin.AdminToken;
import io.llmxds.cp.publish.TypeVersions;
import io.llmxds.cp.publish.XdsNodeGroups;
import io.llmxds.cp.reload.ConfigCheck;
import io.llmxds.cp.reload.PolicyCompiler;
import io.llmxds.cp.translate.Flavor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A running control plane on a temporary copy of the example policies, with real ADS clients and an HTTP client
 * for its admin API. Reloads happen only through {@code POST /reload}: the directory watcher's debounce is longer
 * than any test, so every reload a test sees is one it asked for.
 */
public final class LiveControlPlane implements AutoCloseable {
  public static final Duration PATIENCE = Duration.ofSeconds(15);
  private static final Duration NEVER = Duration.ofHours(1);

  private final Path policies;
  private final String token;
  private final TestTelemetry telemetry = new TestTelemetry();
  private final ControlPlane cp;
  private final List<AdsTestClient> clients = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  private LiveControlPlane(Path policies, Path tokenFile, int xdsPort, Optional<TlsFiles> xdsTls,
      ConfigCheck lastCheck) throws IOException {
    this.policies = policies;
    AdminToken adminToken = AdminToken.loadOrCreate(tokenFile);
    token = Files.readString(tokenFile).strip();
    cp = ControlPlane.start(new ControlPlane.Settings(policies, "127.0.0.1", xdsPort, "127.0.0.1", 0, adminToken,
        NEVER, NEVER, xdsTls, lastCheck), telemetry.telemetry());
  }

  private LiveControlPlane(Path policies, Path tokenFile, int xdsPort, Optional<TlsFiles> xdsTls)
      throws IOException {
    this(policies, tokenFile, xdsPort, xdsTls, ConfigCheck.NONE);
  }

  /** Serves a copy of the example policies in {@code tmp}, on ports the OS chooses. */
  public static LiveControlPlane start(Path tmp) throws IOException {
    return start(tmp, ConfigCheck.NONE);
  }

  /** As {@link #start(Path)}, every new config version judged by {@code lastCheck} before it is published. */
  public static LiveControlPlane start(Path tmp, ConfigCheck lastCheck) throws IOException {
    Path policies = PolicyDirs.copyExamples(Files.createDirectory(tmp.resolve("policies")));
    return new LiveControlPlane(policies, tmp.resolve("admin-token"), 0, Optional.empty(), lastCheck);
  }

  /**
   * Serves {@code policies} with xDS on {@code xdsPort} (0 lets the OS choose; a fixed one lets a restarted control
   * plane take over its predecessor's clients) and the admin token kept in {@code tokenFile}.
   */
  public static LiveControlPlane serve(Path policies, Path tokenFile, int xdsPort) throws IOException {
    return new LiveControlPlane(policies, tokenFile, xdsPort, Optional.empty());
  }

  /** As {@link #serve(Path, Path, int)}, with mutual TLS on the xDS port. */
  public static LiveControlPlane serve(Path policies, Path tokenFile, int xdsPort, TlsFiles xdsTls)
      throws IOException {
    return new LiveControlPlane(policies, tokenFile, xdsPort, Optional.of(xdsTls));
  }

  public Path policies() {
    return policies;
  }

  public ControlPlane controlPlane() {
    return cp;
  }

  public TestTelemetry telemetry() {
    return telemetry;
  }

  public String adminUrl() {
    return "http://127.0.0.1:" + cp.adminPort();
  }

  /** Connects a node (cluster {@code llm-gateway}) and waits until it has ACKed everything served. */
  public AdsTestClient connectSynced(String nodeId) {
    AdsTestClient client = AdsTestClient.connect(cp.xdsPort(), nodeId, "llm-gateway");
    clients.add(client);
    awaitSynced(client);
    return client;
  }

  /** Connects a gRPC-like client ("gRPC Java") dialing {@code listeners} and waits until it has ACKed its config. */
  public AdsTestClient connectSyncedProxyless(String nodeId, List<String> listeners) {
    AdsTestClient client = AdsTestClient.connectByName(cp.xdsPort(), AdsTestClient.grpcJavaNode(nodeId), listeners);
    clients.add(client);
    awaitSynced(client);
    return client;
  }

  /** Closes the stream of {@code client}, as a node that goes away. */
  public void disconnect(AdsTestClient client) {
    clients.remove(client);
    client.close();
  }

  /** Waits until {@code client} has ACKed every type it asked for at the versions its flavor is served now. */
  public void awaitSynced(AdsTestClient client) {
    Flavor flavor = XdsNodeGroups.flavorOf(client.node());
    await().atMost(PATIENCE).untilAsserted(() -> {
      Set<String> asked = client.sent().stream().map(r -> r.getTypeUrl()).collect(Collectors.toSet());
      Map<String, String> serving = new HashMap<>(cp.xds().current(flavor).orElseThrow().typeVersions());
      serving.keySet().retainAll(asked);
      assertThat(client.ackedVersions()).isEqualTo(serving);
    });
  }

  /** Saves an edit of {@code file} in the policy directory and reloads through the admin API. */
  public void editAndReload(String file, String from, String to) {
    PolicyDirs.edit(policies.resolve(file), from, to);
    reload();
  }

  /** {@code POST /reload} with the admin token; asserts that a new version was published. */
  public void reload() {
    HttpResponse<String> reply = postReload();
    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
    assertThat(reply.body()).contains("\"success\"");
  }

  /** {@code POST /reload} with the admin token, whatever it answers. */
  public HttpResponse<String> postReload() {
    return send(HttpRequest.newBuilder(URI.create(adminUrl() + "/reload"))
        .header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.noBody()));
  }

  /**
   * The scenario status and metrics are about: a route edit every node applies, then another that {@code rejecting}
   * NACKs with {@code message} while the other nodes apply it. Returns the rejected RDS version.
   */
  public String applyOneEditThenNackTheNext(AdsTestClient rejecting, String message) {
    editAndReload("routes.yaml", "weight: 90", "weight: 50");
    clients.forEach(this::awaitSynced);
    PolicyDirs.edit(policies.resolve("routes.yaml"), "weight: 50", "weight: 30");
    String rejected = TypeVersions.of(((PolicyCompiler.Compiled) PolicyCompiler.compile(policies)).resources())
        .get(RDS);
    rejecting.rejectVersion(RDS, rejected, message);
    reload();
    clients.stream().filter(c -> c != rejecting).forEach(this::awaitSynced);
    await().atMost(PATIENCE).until(() -> rejecting.sent().stream().anyMatch(r -> r.hasErrorDetail()));
    return rejected;
  }

  public HttpResponse<String> get(String pathAndQuery) {
    return send(HttpRequest.newBuilder(URI.create(adminUrl() + pathAndQuery)).GET());
  }

  public HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    clients.forEach(AdsTestClient::close);
    cp.close();
    telemetry.close();
  }
}
