package io.llmxds.cp.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.llmxds.cp.policy.Consumer;
import io.llmxds.cp.policy.LoadResult;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.PolicyLoader;
import io.llmxds.cp.policy.Provider;
import io.llmxds.cp.verify.EnvoyRules;
import io.llmxds.cp.verify.ReferenceCheck;
import io.llmxds.cp.verify.load.EnvoyLoadChecks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Policy directory in, Envoy resources out, compared with the reviewed YAML in {@code golden/out/<case>.<kind>.yaml}.
 * After an intended change, regenerate with {@code -Dgolden.update=true} and review the diff.
 */
class GoldenFilesTest {

  private static final Path GOLDEN = Path.of("src/test/resources/golden");
  private static final Path EXAMPLES = Path.of("../examples/policies");
  private static final boolean UPDATE = "true".equals(System.getProperty("golden.update"));

  /** Every case in every flavor: the edge's files are {@code <case>.<kind>.yaml}, others {@code <case>.<flavor>.…}. */
  static Stream<Arguments> cases() throws IOException {
    List<Path> dirs = new ArrayList<>();
    dirs.add(EXAMPLES);
    try (Stream<Path> in = Files.list(GOLDEN.resolve("in"))) {
      in.filter(Files::isDirectory).sorted().forEach(dirs::add);
    }
    List<Arguments> cases = new ArrayList<>();
    for (Flavor flavor : Flavor.values()) {
      for (Path dir : dirs) {
        String name = dir.equals(EXAMPLES) ? "examples" : dir.getFileName().toString();
        cases.add(Arguments.of(flavor == Flavor.EDGE ? name : name + "." + flavor.wire(), flavor, dir));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void translatesAsRecorded(String name, Flavor flavor, Path dir) throws IOException {
    PolicyBundle bundle = load(dir);
    EnvoyResources resources = flavor.translate(bundle);
    assertVerified(resources, flavor);
    Map<String, String> rendered = rendered(resources);
    if (flavor == Flavor.CONTEXT_SERVICE) {
      // The context service subscribes to CDS, RDS and SDS only (docs/data-path-config.md).
      assertThat(resources.listeners()).isEmpty();
      assertThat(resources.endpoints()).isEmpty();
      rendered.remove("listeners");
      rendered.remove("endpoints");
    }
    if (flavor == Flavor.PROXYLESS) {
      assertThat(resources.secrets()).as("a proxyless client gets no credentials").isEmpty();
    } else {
      rendered.put("secrets", ResourceYaml.render(resources.secrets()));
    }
    compare(bundle, name + ".", rendered);
  }

  private static void assertVerified(EnvoyResources resources, Flavor flavor) {
    assertThat(ReferenceCheck.check(resources)).as("reference check").isEmpty();
    assertThat(EnvoyRules.check(resources)).as("Envoy's validate rules").isEmpty();
    if (flavor == Flavor.EDGE) {
      assertThat(EnvoyLoadChecks.check(resources)).as("Envoy's load-time checks").isEmpty();
    }
  }

  private static Map<String, String> rendered(EnvoyResources resources) {
    Map<String, String> rendered = new LinkedHashMap<>();
    rendered.put("listeners", ResourceYaml.render(resources.listeners()));
    rendered.put("routes", ResourceYaml.render(resources.routes()));
    rendered.put("clusters", ResourceYaml.render(resources.clusters()));
    rendered.put("endpoints", ResourceYaml.render(resources.endpoints()));
    return rendered;
  }

  private static void compare(PolicyBundle bundle, String prefix, Map<String, String> rendered) throws IOException {
    for (Map.Entry<String, String> output : rendered.entrySet()) {
      assertNoSecretIn(bundle, output.getValue());
      Path golden = GOLDEN.resolve("out").resolve(prefix + output.getKey() + ".yaml");
      if (UPDATE) {
        Files.writeString(golden, output.getValue(), StandardCharsets.UTF_8);
      } else {
        assertThat(golden).as("%s is missing: run the tests with -Dgolden.update=true", golden).exists();
        assertThat(output.getValue()).as("%s differs: if intended, run with -Dgolden.update=true and review", golden)
            .isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
      }
    }
  }

  private static PolicyBundle load(Path dir) {
    LoadResult result = PolicyLoader.load(dir);
    if (result instanceof LoadResult.Rejected rejected) {
      fail("policy directory " + dir + " was rejected:\n" + String.join("\n",
          rejected.errors().stream().map(e -> e.format()).toList()));
    }
    return ((LoadResult.Loaded) result).bundle();
  }

  private static void assertNoSecretIn(PolicyBundle bundle, String yaml) {
    assertThat(yaml).doesNotContain("sk-example-replace-me");
    for (Provider provider : bundle.providers()) {
      provider.credentials().ifPresent(c -> assertThat(yaml).doesNotContain(c.secret().reveal()));
    }
    for (Consumer consumer : bundle.consumers()) {
      for (Consumer.ApiKey key : consumer.apiKeys()) {
        key.plaintext().ifPresent(k -> assertThat(yaml).doesNotContain(k.reveal()));
        assertThat(yaml).as("the hash is served, never rendered").doesNotContain(key.hash().reveal().substring(40));
      }
    }
  }
}
