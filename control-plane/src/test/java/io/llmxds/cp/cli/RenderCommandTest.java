package io.llmxds.cp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmxds.cp.testing.PolicyDirs;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RenderCommandTest {

  @Test
  void rendersEveryResourceTypeWithSecretsRedacted() {
    CliRun run = CliRun.of("render", PolicyDirs.EXAMPLES.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .startsWith("# config version ")
        .contains("# listeners", "# routes", "# clusters", "# endpoints", "# secrets")
        .contains("provider/openai/credential", "<redacted")
        .doesNotContain("sk-example-replace-me");
  }

  /** Envoy implements no system_root_certs and refuses SAN matching without a CA (docs/envoy-semantics.md T1, T2). */
  @Test
  void everyHttpsProviderOfTheEdgeFlavorVerifiesAgainstATrustedCa() {
    for (Path dir : java.util.List.of(PolicyDirs.EXAMPLES, Path.of("src/test/resources/golden/in/https-credentials"))) {
      CliRun run = CliRun.of("render", "--type", "clusters", dir.toString());

      assertThat(run.exitCode()).as(run.err()).isZero();
      String out = run.out();
      assertThat(out).as(dir.toString()).doesNotContain("system_root_certs");
      int sanMatchers = out.split("match_typed_subject_alt_names", -1).length - 1;
      assertThat(sanMatchers).as(dir.toString()).isPositive();
      assertThat(out.split("trusted_ca:", -1).length - 1).as(dir.toString()).isEqualTo(sanMatchers);
    }
  }

  @Test
  void rendersOneTypeOnRequest() {
    CliRun run = CliRun.of("render", "--type", "routes", PolicyDirs.EXAMPLES.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("# routes").doesNotContain("# clusters").contains("x-llm-model");
  }

  @Test
  void rendersTheProxylessFlavorOnRequest() {
    CliRun run = CliRun.of("render", "--flavor", "proxyless", "--type", "listeners", PolicyDirs.EXAMPLES.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("proxyless flavor", "api_listener", "route_config_name: proxyless/chat")
        .doesNotContain("ext_proc");
  }

  @Test
  void anUnknownFlavorIsAUsageError() {
    CliRun run = CliRun.of("render", "--flavor", "sidecar", PolicyDirs.EXAMPLES.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("expected edge, proxyless or context-service, got sidecar");
  }

  @Test
  void anInvalidDirectoryPrintsErrorsAndExitsOne() {
    CliRun run = CliRun.of("render", Path.of("src/test/resources/policies/bad/dangling-provider").toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("provider \"nope\" does not exist");
  }
}
