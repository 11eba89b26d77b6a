package io.llmxds.cp.reload;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.llmxds.common.DataPathConfig;
import io.llmxds.cp.policy.BundleDiff;
import io.llmxds.cp.publish.TypeVersions;
import io.llmxds.cp.testing.AdsTestClient;
import io.llmxds.cp.testing.PolicyDirs;
import io.llmxds.cp.translate.EnvoyResources;
import io.llmxds.cp.translate.Flavor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rotating a consumer's key by editing its policy: add the new key, then remove the old one. Each step changes the
 * consumer's keys secret and nothing Envoy has (its LDS, RDS, CDS stay byte-identical, so no rate-limit bucket is
 * reset), and the change summary names the consumer and key names only.
 */
class KeyRotationTest {

  private static final Path CONSUMERS = Path.of("src/test/resources/golden/in/consumers");
  private static final String OLD_KEY = "sk-golden-alice-Zr81";
  private static final String NEW_KEY = "sk-rotated-alice-Mn62";
  private static final String ALICE_KEYS = DataPathConfig.keysSecret("alice");

  @TempDir Path tmp;
  private Path dir;

  @BeforeEach
  void copy() {
    dir = PolicyDirs.copy(CONSUMERS, tmp.resolve("policies"));
  }

  @Test
  void addingThenRemovingAKeyChangesOnlyThatConsumersKeysSecret() throws IOException {
    PolicyCompiler.Compiled before = PolicyDirs.compiled(dir);

    Files.writeString(dir.resolve("keys/alice-2026-q3"), NEW_KEY + "\n");
    PolicyDirs.edit(dir.resolve("policies.yaml"), "      file: keys/alice-2026-q2\n",
        "      file: keys/alice-2026-q2\n    - name: 2026-q3\n      file: keys/alice-2026-q3\n");
    PolicyCompiler.Compiled added = PolicyDirs.compiled(dir);

    PolicyDirs.edit(dir.resolve("policies.yaml"), "    - name: 2026-q1\n      file: keys/alice-2026-q1\n", "");
    PolicyCompiler.Compiled removed = PolicyDirs.compiled(dir);

    for (PolicyCompiler.Compiled[] step : List.of(new PolicyCompiler.Compiled[] {before, added},
        new PolicyCompiler.Compiled[] {added, removed})) {
      assertEdgeUnchanged(step[0], step[1]);
      assertThat(changedSecrets(step[0], step[1])).containsExactly(ALICE_KEYS);
      assertThat(tableWithoutVersion(step[1])).as("the consumer table names secrets, not keys")
          .isEqualTo(tableWithoutVersion(step[0]));
    }
    assertThat(keyLines(before)).hasSize(2);
    assertThat(keyLines(added)).hasSize(3).containsAll(keyLines(before));
    assertThat(keyLines(removed)).hasSize(2).isSubsetOf(keyLines(added));
    assertThat(keyLines(before).stream().filter(l -> !keyLines(removed).contains(l))).as("the revoked key").hasSize(1);

    List<String> addSummary = BundleDiff.summarize(before.bundle(), added.bundle());
    List<String> removeSummary = BundleDiff.summarize(added.bundle(), removed.bundle());
    assertThat(addSummary).containsExactly("Consumer/alice +apiKey 2026-q3 keys/alice-2026-q3");
    assertThat(removeSummary).containsExactly("Consumer/alice -apiKey 2026-q1");
  }

  @Test
  void rewritingAKeyFileIsARotationTheSummaryNamesWithoutTheKey() throws IOException {
    PolicyCompiler.Compiled before = PolicyDirs.compiled(dir);
    Files.writeString(dir.resolve("keys/alice-2026-q1"), NEW_KEY + "\n");
    PolicyCompiler.Compiled after = PolicyDirs.compiled(dir);

    assertEdgeUnchanged(before, after);
    assertThat(changedSecrets(before, after)).containsExactly(ALICE_KEYS);
    List<String> summary = BundleDiff.summarize(before.bundle(), after.bundle());
    assertThat(summary).containsExactly("Consumer/alice apiKey 2026-q1 rotated");
    assertThat(String.join("\n", summary)).doesNotContain(OLD_KEY).doesNotContain(NEW_KEY).doesNotContain("sha256");
  }

  private static void assertEdgeUnchanged(PolicyCompiler.Compiled a, PolicyCompiler.Compiled b) {
    Map<String, String> before = TypeVersions.of(a.resources(Flavor.EDGE));
    Map<String, String> after = TypeVersions.of(b.resources(Flavor.EDGE));
    for (String type : List.of(AdsTestClient.LDS, AdsTestClient.RDS, AdsTestClient.CDS, AdsTestClient.SDS)) {
      assertThat(after.get(type)).as(type).isEqualTo(before.get(type));
    }
    assertThat(b.resources(Flavor.EDGE)).isEqualTo(a.resources(Flavor.EDGE));
  }

  private static List<String> changedSecrets(PolicyCompiler.Compiled a, PolicyCompiler.Compiled b) {
    Map<String, Secret> before = secrets(a.resources(Flavor.CONTEXT_SERVICE));
    return secrets(b.resources(Flavor.CONTEXT_SERVICE)).entrySet().stream()
        .filter(e -> !e.getValue().equals(before.get(e.getKey())))
        .map(Map.Entry::getKey)
        .toList();
  }

  private static Map<String, Secret> secrets(EnvoyResources resources) {
    return resources.secrets().stream().collect(Collectors.toMap(Secret::getName, s -> s));
  }

  private static List<String> keyLines(PolicyCompiler.Compiled compiled) {
    return List.of(secrets(compiled.resources(Flavor.CONTEXT_SERVICE)).get(ALICE_KEYS)
        .getGenericSecret().getSecret().getInlineString().split("\n"));
  }

  /** The context-service table without its config version (which every change moves). */
  private static RouteConfiguration tableWithoutVersion(PolicyCompiler.Compiled compiled) {
    RouteConfiguration table = compiled.resources(Flavor.CONTEXT_SERVICE).routes().get(0);
    RouteConfiguration.Builder copy = table.toBuilder();
    copy.getVirtualHostsBuilder(0).getMetadataBuilder().removeFilterMetadata(DataPathConfig.TABLE_METADATA);
    return copy.build();
  }
}
