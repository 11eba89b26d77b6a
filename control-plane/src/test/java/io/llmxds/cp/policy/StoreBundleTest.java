package io.llmxds.cp.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bundle read from store keys is judged like the directory it was pushed from. */
class StoreBundleTest {
  @TempDir Path tmp;

  @Test
  void theExamplesFromKeysHaveTheDirectorysConfigVersion() throws Exception {
    Map<String, byte[]> keys = keysOf(TestPolicies.EXAMPLES);
    LoadResult.Loaded fromKeys = (LoadResult.Loaded) PolicyLoader.load(new StoreBundle(keys, 7));
    assertThat(ConfigVersion.of(fromKeys.bundle()))
        .isEqualTo(ConfigVersion.of(TestPolicies.loaded(TestPolicies.EXAMPLES).bundle()));
    assertThat(new StoreBundle(keys, 7).revision()).hasValue(7);
  }

  @Test
  void aMissingKeyAFileOutsideTheBundleAndBadUtf8AreFileErrors() throws Exception {
    Map<String, byte[]> keys = keysOf(TestPolicies.EXAMPLES);
    String providers = new String(keys.get("providers.yaml"), StandardCharsets.UTF_8);
    String secretFile = providers.lines().filter(l -> l.contains("secretFile:")).findFirst().orElseThrow()
        .replaceAll(".*secretFile:\\s*", "").strip();
    keys.put("providers.yaml", providers.replace(secretFile, "../outside.key").getBytes(StandardCharsets.UTF_8));
    keys.put("broken.yaml", new byte[] {(byte) 0xff, (byte) 0xfe});
    List<String> errors = ((LoadResult.Rejected) PolicyLoader.load(new StoreBundle(keys, 1))).errors().stream()
        .map(PolicyError::format).toList();
    assertThat(errors).anyMatch(e -> e.startsWith("broken.yaml:") && e.contains("not UTF-8 text"));
    assertThat(errors).anyMatch(e -> e.contains("\"../outside.key\": it is outside the bundle"));
  }

  @Test
  void anAbsolutePathIsAFileOfThisHost() throws Exception {
    Path local = Files.writeString(tmp.resolve("openai.key"), "sk-from-a-mounted-secret\n");
    Map<String, byte[]> keys = keysOf(TestPolicies.EXAMPLES);
    StoreBundle bundle = new StoreBundle(keys, 3);
    assertThat(bundle.file(local.toString())).isEqualTo("sk-from-a-mounted-secret\n");
    assertThat(bundle.localInputs()).containsExactly(local);
    assertThat(bundle.documentNames()).allMatch(n -> !n.contains("/")).contains("providers.yaml");
  }

  private static Map<String, byte[]> keysOf(Path dir) throws Exception {
    Map<String, byte[]> keys = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        keys.put(dir.relativize(file).toString(), Files.readAllBytes(file));
      }
    }
    return keys;
  }
}
