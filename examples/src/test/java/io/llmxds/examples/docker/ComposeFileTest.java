package io.llmxds.examples.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmxds.cp.policy.LoadResult;
import io.llmxds.cp.policy.PolicyLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs where CI does, so {@code examples/docker-compose.yaml} is never started here; this keeps it
 * from drifting from what it names: Dockerfile targets, the shaded jars the modules really build, the mounted files,
 * the shared network namespace the unchanged example policies rely on, and the ports a user is told to open.
 * SnakeYAML (not Jackson) reads it because the file uses anchors and merge keys, as compose files do.
 */
class ComposeFileTest {
  private static final Path EXAMPLES = Path.of("").toAbsolutePath();
  private static final Path ROOT = EXAMPLES.getParent();
  private static final Pattern STAGE = Pattern.compile("(?m)^FROM \\S+ AS (\\S+)$");
  private static final Pattern COPIED_JAR = Pattern.compile("COPY --from=build /src/([\\w-]+)/target/([\\w.-]+\\.jar)");
  private static final Pattern BUILT_MODULES = Pattern.compile("mvn .* -pl ([\\w,-]+) ");

  private final Map<String, Map<String, Object>> services = services(EXAMPLES.resolve("docker-compose.yaml"));
  private final String dockerfile = text(ROOT.resolve("examples/docker/Dockerfile"));

  @Test
  void everyBuildTargetIsAStageOfTheDockerfile() {
    List<String> stages = all(STAGE.matcher(dockerfile), 1);
    services.forEach((name, service) -> {
      if (service.get("build") instanceof Map<?, ?> build) {
        assertThat(EXAMPLES.resolve((String) build.get("context")).resolve((String) build.get("dockerfile")))
            .as(name).exists();
        assertThat(stages).as(name).contains((String) build.get("target"));
      }
    });
  }

  @Test
  void everyCopiedJarIsTheShadedJarItsModuleBuildsAndTheBuildStageBuildsThatModule() {
    Matcher copied = COPIED_JAR.matcher(dockerfile);
    Matcher built = BUILT_MODULES.matcher(dockerfile);
    assertThat(built.find()).as("the build stage's mvn -pl list").isTrue();
    List<String> modules = List.of(built.group(1).split(","));
    int jars = 0;
    while (copied.find()) {
      jars++;
      String module = copied.group(1);
      assertThat(modules).contains(module);
      assertThat(text(ROOT.resolve(module).resolve("pom.xml")))
          .contains("<outputFile>${project.build.directory}/" + copied.group(2) + "</outputFile>");
    }
    assertThat(jars).isEqualTo(3);
  }

  @Test
  void mountedFilesExist() {
    services.values().forEach(service -> strings(service.get("volumes")).forEach(volume ->
        assertThat(EXAMPLES.resolve(volume.split(":")[0]).normalize()).exists()));
  }

  @Test
  void everyServiceSharesEnvoysNetworkNamespaceSoTheExamplePoliciesWorkUnchanged() {
    services.forEach((name, service) -> {
      if (!name.equals("envoy")) {
        assertThat(service.get("network_mode")).as(name).isEqualTo("service:envoy");
        assertThat(service).as(name + " publishes through envoy").doesNotContainKey("ports");
      }
    });
    assertThat(text(ROOT.resolve("envoy/bootstrap.yaml"))).contains("address: 127.0.0.1\n                      port_value: 18000");
    assertThat(text(EXAMPLES.resolve("policies/providers.yaml"))).contains("http://127.0.0.1:18081/v1");
  }

  /** The context service follows the control plane's xDS port, the one Envoy's bootstrap names. */
  @Test
  void theContextServiceFollowsTheControlPlanesXdsPort() {
    List<String> command = strings(services.get("context-service").get("command"));
    assertThat(command).startsWith("serve").containsSequence("--xds", "127.0.0.1:18000"); // see the test above
  }

  @Test
  void envoyPublishesTheListenerAndEveryAdminPort() {
    List<String> published = strings(services.get("envoy").get("ports"));
    LoadResult.Loaded examples = (LoadResult.Loaded) PolicyLoader.load(EXAMPLES.resolve("policies"));
    int listenerPort = examples.bundle().gateway().listener().port();
    assertThat(published).contains(listenerPort + ":" + listenerPort, "9901:9901", "19000:19000", "19001:19001",
        "16686:16686");
    assertThat(strings(services.get("envoy").get("command"))).contains("/etc/envoy/envoy.yaml");
  }

  private static List<String> all(Matcher m, int group) {
    List<String> found = new ArrayList<>();
    while (m.find()) {
      found.add(m.group(group));
    }
    return found;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> services(Path file) {
    Map<String, Object> compose = new Yaml().load(text(file));
    return (Map<String, Map<String, Object>>) compose.get("services");
  }

  private static List<String> strings(Object list) {
    List<String> strings = new ArrayList<>();
    if (list instanceof List<?> items) {
      items.forEach(item -> strings.add(String.valueOf(item)));
    }
    return strings;
  }

  private static String text(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new AssertionError(file + ": " + e.getMessage(), e);
    }
  }
}
