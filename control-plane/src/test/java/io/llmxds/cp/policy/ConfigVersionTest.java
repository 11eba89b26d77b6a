package io.llmxds.cp.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmxds.cp.testing.PolicyDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigVersionTest {

  @TempDir Path dir;

  private static String versionOf(Path policies) {
    return ConfigVersion.of(TestPolicies.loaded(policies).bundle());
  }

  /**
   * Pinned, because the version must be the same in every JVM: a change here means every deployed control plane
   * would see new content. Update it only when the policy model or its serialization changes on purpose.
   */
  @Test
  void isAStableHashOfTheContent() {
    assertThat(versionOf(TestPolicies.MINIMAL)).isEqualTo("8c8d6d4bca5b882e");
  }

  @Test
  void ignoresFileNamesCommentsDocumentOrderAndKeyOrder() throws IOException {
    Path reshaped = Files.createDirectories(dir.resolve("reshaped"));
    PolicyDirs.copy(TestPolicies.EXAMPLES.resolve("secrets"), reshaped.resolve("secrets"));
    List<String> documents = new ArrayList<>();
    try (var files = Files.list(TestPolicies.EXAMPLES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        for (String document : Files.readString(file).split("(?m)^---$")) {
          documents.add(document.replaceAll("(?m)^#.*$", "# another comment"));
        }
      }
    }
    Collections.reverse(documents);
    Files.writeString(reshaped.resolve("all-in-one.yml"), String.join("\n---\n", documents));
    // keys of one mapping written in another order
    PolicyDirs.edit(reshaped.resolve("all-in-one.yml"),
        "    address: 127.0.0.1\n    port: 50051\n", "    port: 50051\n    address: 127.0.0.1\n");

    assertThat(versionOf(reshaped)).isEqualTo(versionOf(TestPolicies.EXAMPLES));
  }

  @Test
  void changesWithEverySemanticChange() {
    String original = versionOf(TestPolicies.EXAMPLES);
    List<String> versions = new ArrayList<>(List.of(original));
    versions.add(versionAfter("routes.yaml", f -> PolicyDirs.edit(f, "weight: 90", "weight: 91")));
    versions.add(versionAfter("ratelimits.yaml", f -> PolicyDirs.edit(f, "premium: unlimited",
        "premium:\n        requests: 5000\n        per: 1m")));
    versions.add(versionAfter("secrets/openai-api-key", f -> PolicyDirs.edit(f, "replace-me", "rotated")));
    versions.add(versionAfter("gateway.yaml", f -> PolicyDirs.edit(f, "failOpen: true", "failOpen: false")));
    // a default written out is no change at all
    versions.add(versionAfter("context.yaml", f -> PolicyDirs.edit(f, "  store: memory\n", "")));

    assertThat(versions.subList(0, 5)).doesNotHaveDuplicates();
    assertThat(versions.get(5)).isEqualTo(original);
  }

  private String versionAfter(String file, Consumer<Path> change) {
    Path copy = PolicyDirs.copy(TestPolicies.EXAMPLES, dir.resolve("copy-" + dir.toFile().list().length));
    change.accept(copy.resolve(file));
    return versionOf(copy);
  }
}
