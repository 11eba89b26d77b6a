package io.llmxds.cp.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files of a policy directory are read, and the layouts a directory comes in. */
class PolicyDirectoryTest {

  private static final String BROKEN = "this: [is not: valid\n";

  @TempDir Path dir;

  @Test
  void hiddenFilesEditorLeftoversAndSubdirectoriesAreIgnored() throws IOException {
    TestPolicies.copy(TestPolicies.EXAMPLES, dir);
    for (String ignored : List.of(
        ".hidden.yaml", ".#routes.yaml", ".routes.yaml.swp", ".routes.yaml.swx", "routes.yaml~", "#routes.yaml#",
        "routes.yaml.bak", "routes.yaml.tmp", "notes.txt", "..data")) {
      Files.writeString(dir.resolve(ignored), BROKEN);
    }
    Files.createDirectories(dir.resolve("nested"));
    Files.writeString(dir.resolve("nested/extra.yaml"), BROKEN);
    Files.createDirectories(dir.resolve("directory.yaml"));

    LoadResult.Loaded loaded = TestPolicies.loaded(dir);

    assertThat(loaded.inputs()).extracting(p -> dir.relativize(p).toString()).containsExactlyInAnyOrder(
        "context.yaml", "gateway.yaml", "providers.yaml", "ratelimits.yaml", "routes.yaml", "secrets/openai-api-key");
    assertThat(ConfigVersion.of(loaded.bundle()))
        .isEqualTo(ConfigVersion.of(TestPolicies.loaded(TestPolicies.EXAMPLES).bundle()));
  }

  /** What a Kubernetes ConfigMap volume looks like: top-level symlinks through {@code ..data} to a timestamped dir. */
  @Test
  void configMapMountLoadsThroughItsSymlinks() throws IOException {
    Path timestamped = dir.resolve("..2026_11_27_10_00_00.123456789");
    TestPolicies.copy(TestPolicies.EXAMPLES, timestamped);
    Files.createSymbolicLink(dir.resolve("..data"), dir.relativize(timestamped));
    try (var entries = Files.list(timestamped)) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        Files.createSymbolicLink(dir.resolve(name), Path.of("..data", name));
      }
    }

    LoadResult.Loaded loaded = TestPolicies.loaded(dir);

    assertThat(loaded.inputs()).contains(dir.resolve("gateway.yaml"), dir.resolve("secrets/openai-api-key"));
    assertThat(loaded.inputs()).noneMatch(p -> p.toString().contains("..2026"));
    assertThat(loaded.bundle()).isEqualTo(TestPolicies.loaded(TestPolicies.EXAMPLES).bundle());
  }

  @Test
  void ymlFilesAndEmptyDocumentsAreFine() throws IOException {
    TestPolicies.copy(TestPolicies.EXAMPLES, dir);
    Files.move(dir.resolve("routes.yaml"), dir.resolve("routes.yml"));
    Files.writeString(dir.resolve("empty.yaml"), "---\n# nothing here\n---\n");
    assertThat(TestPolicies.loaded(dir).inputs()).contains(dir.resolve("routes.yml"), dir.resolve("empty.yaml"));
  }

  @Test
  void aMissingDirectoryIsOneError() {
    Path missing = dir.resolve("missing");
    assertThat(TestPolicies.rejected(missing))
        .containsExactly(".:0:0: (policy directory): cannot read " + missing + ": no such file");
  }

  @Test
  void aDanglingSymlinkIsAnError() throws IOException {
    TestPolicies.copy(TestPolicies.EXAMPLES, dir);
    Files.createSymbolicLink(dir.resolve("gone.yaml"), Path.of("..data/gone.yaml"));
    assertThat(TestPolicies.rejected(dir)).containsExactly("gone.yaml:0:0: (file): cannot read: no such file");
  }
}
