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

  @Test
  void rendersOneTypeOnRequest() {
    CliRun run = CliRun.of("render", "--type", "routes", PolicyDirs.EXAMPLES.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("# routes").doesNotContain("# clusters").contains("x-llm-model");
  }

  @Test
  void anInvalidDirectoryPrintsErrorsAndExitsOne() {
    CliRun run = CliRun.of("render", Path.of("src/test/resources/policies/bad/dangling-provider").toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("provider \"nope\" does not exist");
  }
}
