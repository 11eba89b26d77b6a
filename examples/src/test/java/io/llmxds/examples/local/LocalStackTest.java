package io.llmxds.examples.local;

import static io.llmxds.examples.mockllm.MockLlmClient.chat;
import static io.llmxds.examples.mockllm.MockLlmClient.get;
import static io.llmxds.examples.mockllm.MockLlmClient.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.llmxds.cp.testing.AdsTestClient;
import io.llmxds.cp.testing.PolicyDirs;
import io.llmxds.examples.mockllm.MockLlmClient;
import io.llmxds.filters.extproc.FakeEnvoy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole local stack on ports the OS chooses, Envoy off (or a stand-in process), probed from outside. */
class LocalStackTest {
  private static final Duration PATIENCE = Duration.ofSeconds(15);
  /** The example providers' ports, each rewritten to a free one. */
  private static final List<String> PROVIDER_PORTS = List.of("18081", "18082", "18083");
  /** Envoy is never looked for when it is off. */
  private static final EnvoyLookup UNUSED = Lookups.never();

  @TempDir
  Path tmp;
  private Path policies;
  private final Map<String, Integer> providerPorts = new LinkedHashMap<>();

  @BeforeEach
  void policies() throws IOException {
    policies = PolicyDirs.copyExamples(tmp.resolve("policies"));
    // All held at once, so that the OS hands out three different ports.
    List<ServerSocket> free = new ArrayList<>();
    try {
      for (String name : List.of("mock-a", "mock-b", "mock-fallback")) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        free.add(socket);
        PolicyDirs.edit(policies.resolve("providers.yaml"), PROVIDER_PORTS.get(providerPorts.size()),
            String.valueOf(socket.getLocalPort()));
        providerPorts.put(name, socket.getLocalPort());
      }
    } finally {
      for (ServerSocket socket : free) {
        socket.close();
      }
    }
  }

  private LocalStack.Settings settings(EnvoyMode envoy, Path bootstrap) {
    return new LocalStack.Settings(policies, "127.0.0.1", 0, 0, 0, 0, tmp.resolve("admin-token"), Duration.ZERO, 0,
        envoy, bootstrap);
  }

  @Test
  void startsEveryComponentAndStopsThemAll() throws Exception {
    List<Integer> ports = new ArrayList<>(providerPorts.values());
    try (LocalStack stack = LocalStack.start(settings(EnvoyMode.OFF, tmp.resolve("none.yaml")), UNUSED,
        System.out)) {
      int xds = stack.controlPlane().xdsPort();
      int admin = stack.controlPlane().adminPort();
      int context = stack.contextService().port();
      int contextAdmin = stack.contextService().adminPort();
      ports.addAll(List.of(xds, admin, context, contextAdmin));

      try (AdsTestClient envoy = AdsTestClient.connect(xds, "envoy-local-test", "llm-gateway")) {
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(envoy.ackedVersions()).containsOnlyKeys(
            AdsTestClient.CDS, AdsTestClient.EDS, AdsTestClient.LDS, AdsTestClient.RDS, AdsTestClient.SDS));
      }
      assertThat(get(admin, "/readyz").statusCode()).isEqualTo(200);
      assertThat(get(contextAdmin, "/healthz").statusCode()).isEqualTo(200);
      try (FakeEnvoy envoy = FakeEnvoy.connectedTo(context)) {
        FakeEnvoy.Answers answers = envoy.exchange(new FakeEnvoy.Http(Map.of(),
            FakeEnvoy.headers(":method", "POST", ":path", "/v1/chat/completions"), chat("gpt-4o-mini", false, "hi"),
            FakeEnvoy.headers(":status", "200"), List.of(new byte[0])));
        CommonResponse routed = answers.requestBody().getRequestBody().getResponse();
        assertThat(routed.getClearRouteCache()).isTrue();
        assertThat(routed.getHeaderMutation().getSetHeaders(0).getHeader().getRawValue().toStringUtf8())
            .isEqualTo("gpt-4o-mini");
      }
      assertThat(stack.mocks().mocks()).extracting(m -> m.provider().name())
          .containsExactly("mock-a", "mock-b", "mock-fallback");
      providerPorts.forEach((name, port) -> {
        HttpResponse<String> answer = post(port, "/v1/chat/completions", chat("chat", false, "hi"));
        assertThat(answer.statusCode()).as(name).isEqualTo(200);
        assertThat(answer.headers().firstValue("x-llm-backend")).as(name).hasValue(name);
      });
      assertThat(stack.mocks().remote()).extracting(p -> p.name()).containsExactly("openai");
      assertThat(stack.envoy()).isEmpty();
      assertThat(spaced(stack.banner()))
          .contains("mock LLM mock-a http://127.0.0.1:" + providerPorts.get("mock-a") + "/v1")
          .contains("provider openai https://api.openai.com:443/v1 (not on this machine: no mock)")
          .contains("ext_proc 127.0.0.1:" + context + ", admin http://127.0.0.1:" + contextAdmin)
          .contains("xDS (ADS) 127.0.0.1:" + xds + ", admin http://127.0.0.1:" + admin)
          .contains("Envoy not started: --envoy off")
          .contains("curl -s localhost:10000/v1/chat/completions -H 'content-type: application/json' "
              + "-H 'x-session-id: demo' -d '{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":"
              + "\"hello\"}]}'")
          .contains("curl -s localhost:" + providerPorts.get("mock-a") + "/v1/chat/completions")
          .contains("bin/llm-xds status --admin http://127.0.0.1:" + admin)
          .contains("examples/scenarios");
    }

    assertThat(ports).allSatisfy(port -> assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port)
        .close()).as("port %d is closed", port).isInstanceOf(ConnectException.class));
  }

  @Test
  void aTakenProviderPortFailsTheStartNamingProviderAndPortAndLeavesNothingRunning() throws IOException {
    int taken = providerPorts.get("mock-b");
    try (ServerSocket holder = new ServerSocket(taken, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThatThrownBy(() -> LocalStack.start(settings(EnvoyMode.OFF, tmp.resolve("none.yaml")), UNUSED,
          System.out))
          .isInstanceOf(BindException.class)
          .hasMessage("provider 'mock-b': port " + taken + " on 127.0.0.1 is already in use, so its mock LLM cannot "
              + "start (stop what holds it, or change the provider's baseUrl)");
    }
    // mock-a had started: it is closed again
    new ServerSocket(providerPorts.get("mock-a"), 1, InetAddress.getByName("127.0.0.1")).close();
  }

  @Test
  void invalidPoliciesFailTheStartWithEveryError() {
    PolicyDirs.edit(policies.resolve("routes.yaml"), "weight: 90", "weight: -1");

    assertThatThrownBy(() -> LocalStack.start(settings(EnvoyMode.OFF, tmp.resolve("none.yaml")), UNUSED,
        System.out))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("the policies in " + policies + " are invalid:\n  routes.yaml:")
        .hasMessageContaining("ModelRoute/chat: spec.backends[0].weight");
  }

  @Test
  void runsTheEnvoyItFindsAsAChildWithItsOutputPrefixedAndStopsIt() throws Exception {
    Path bootstrap = Files.writeString(tmp.resolve("bootstrap.yaml"), "# stand-in\n");
    Path envoy = Files.writeString(tmp.resolve("envoy"), "#!/bin/sh\necho \"started with $*\"\nexec sleep 300\n");
    Files.setPosixFilePermissions(envoy, PosixFilePermissions.fromString("rwx------"));
    EnvoyLookup found = Lookups.offering(Optional.of(envoy), false);
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

    EnvoyProcess child;
    try (LocalStack stack = LocalStack.start(settings(EnvoyMode.AUTO, bootstrap), found, out)) {
      child = stack.envoy().orElseThrow();
      await().atMost(PATIENCE).untilAsserted(() -> assertThat(output.toString(StandardCharsets.UTF_8))
          .contains("[envoy] started with -c " + bootstrap + " --service-node envoy-local-1\n"));
      assertThat(child.isAlive()).isTrue();
      assertThat(spaced(stack.banner())).contains("Envoy started via local binary " + envoy);
    }

    assertThat(child.isAlive()).isFalse();
    assertThat(output.toString(StandardCharsets.UTF_8)).contains("[envoy] exited with code 143");
  }

  /** The banner with its column padding collapsed: what it says, not how it is aligned. */
  private static String spaced(String banner) {
    return banner.replaceAll(" {2,}", " ");
  }
}
