package io.llmxds.cp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.llmxds.common.DataPathConfig;
import io.llmxds.cp.observe.SpanAttributes;
import io.llmxds.cp.publish.XdsNodeGroups;
import io.llmxds.cp.testing.AdsTestClient;
import io.llmxds.cp.testing.LiveControlPlane;
import io.llmxds.cp.testing.PolicyDirs;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running control plane with Consumers and a provider key, through a key rotation: nothing it shows — render
 * output, {@code /config_dump} of an Envoy and of a context service, {@code /status}, {@code /metrics}, the reload's
 * spans, its logs and audit line — holds a client key, a provider key or a key's hash. The reload's change summary
 * names the consumer.
 */
class IdentitySecretScanTest {

  private static final String PROVIDER_KEY = "sk-provider-SCAN-4471";
  private static final String CLIENT_KEY = "sk-client-SCAN-9023";
  private static final String ROTATED_KEY = "sk-client-SCAN-5570";

  @TempDir Path tmp;

  @Test
  void noKeyOrKeyHashAppearsAnywhereAReloadWithConsumersShows() throws Exception {
    Path policies = PolicyDirs.copyExamples(Files.createDirectory(tmp.resolve("policies")));
    Files.writeString(policies.resolve("secrets/openai-api-key"), PROVIDER_KEY + "\n");
    Files.createDirectory(policies.resolve("keys"));
    Files.writeString(policies.resolve("keys/scanner-1"), CLIENT_KEY + "\n");
    Files.writeString(policies.resolve("consumers.yaml"), """
        apiVersion: llm-xds.io/v1alpha1
        kind: Consumer
        metadata:
          name: scanner
        spec:
          tier: premium
          apiKeys:
            - name: first
              file: keys/scanner-1
        """);

    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    PrintStream stderr = System.err;
    List<String> shown = new ArrayList<>();
    List<String> hashes;
    System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
    try (LiveControlPlane live = LiveControlPlane.serve(policies, tmp.resolve("admin-token"), 0)) {
      AdsTestClient envoy = live.connectSynced("envoy-a");
      AdsTestClient contextService = AdsTestClient.connect(live.controlPlane().xdsPort(), Node.newBuilder()
          .setId("context-a").setCluster(DataPathConfig.NODE_CLUSTER)
          .setMetadata(Struct.newBuilder().putFields(XdsNodeGroups.FLAVOR_KEY,
              Value.newBuilder().setStringValue(DataPathConfig.FLAVOR).build()))
          .build());
      live.awaitSynced(contextService);

      Files.writeString(policies.resolve("keys/scanner-2"), ROTATED_KEY + "\n");
      live.editAndReload("consumers.yaml", "      file: keys/scanner-1\n",
          "      file: keys/scanner-1\n    - name: second\n      file: keys/scanner-2\n");
      live.awaitSynced(envoy);
      live.awaitSynced(contextService);
      hashes = live.controlPlane().xds().current(io.llmxds.cp.translate.Flavor.CONTEXT_SERVICE).orElseThrow()
          .resources().secrets().stream()
          .filter(s -> s.getName().equals(DataPathConfig.keysSecret("scanner")))
          .flatMap(s -> List.of(s.getGenericSecret().getSecret().getInlineString().split("\n")).stream())
          .map(line -> line.substring(line.lastIndexOf('$') + 1))
          .toList();

      for (String path : List.of("/config_dump?node=envoy-a", "/config_dump?node=context-a", "/status", "/metrics")) {
        String body = live.get(path).body();
        assertThat(body).as(path).isNotEmpty();
        shown.add(body);
      }
      assertThat(shown.get(1)).as("the context service's dump shows its keys secret, redacted")
          .contains(DataPathConfig.keysSecret("scanner")).contains("<redacted sha256:");
      for (String flavor : List.of("edge", "proxyless", DataPathConfig.FLAVOR)) {
        shown.add(render(policies, flavor));
      }
      await().atMost(LiveControlPlane.PATIENCE).until(() -> !live.telemetry().spans("policy.reload").isEmpty());
      List<SpanData> reloads = live.telemetry().spans("policy.reload");
      assertThat(reloads.get(reloads.size() - 1).getAttributes().get(SpanAttributes.CHANGES))
          .isEqualTo("Consumer/scanner +apiKey second keys/scanner-2");
      for (SpanData span : live.telemetry().spans()) {
        shown.add(span.toString());
      }
    } finally {
      System.setErr(stderr);
    }
    String log = logs.toString(StandardCharsets.UTF_8);
    assertThat(log).as("the audit line names the consumer").contains("Consumer/scanner");
    shown.add(log);

    assertThat(hashes).hasSize(2);
    for (String text : shown) {
      assertThat(text).doesNotContain(PROVIDER_KEY).doesNotContain(CLIENT_KEY).doesNotContain(ROTATED_KEY);
      for (String digest : hashes) {
        assertThat(text).doesNotContain(digest);
      }
    }
  }

  private static String render(Path policies, String flavor) {
    StringWriter out = new StringWriter();
    int code = io.llmxds.cp.cli.LlmXds.commandLine().setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(new StringWriter(), true))
        .execute("render", "--flavor", flavor, policies.toString());
    assertThat(code).as(flavor + ": " + out).isZero();
    return out.toString();
  }
}
