package io.llmxds.cp.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A secret's value must not leak through any string the loader produces. */
class SecretSafetyTest {

  private static final String SECRET = "sk-test-SECRET";

  @TempDir Path dir;

  @Test
  void aLoadedBundleNeverShowsTheSecret() throws IOException {
    TestPolicies.copy(TestPolicies.EXAMPLES, dir);
    Files.writeString(dir.resolve("secrets/openai-api-key"), SECRET + "\n");

    LoadResult.Loaded loaded = TestPolicies.loaded(dir);

    Provider.Credentials credentials = loaded.bundle().provider("openai").orElseThrow().credentials().orElseThrow();
    assertThat(credentials.secret().reveal()).isEqualTo(SECRET);
    assertThat(loaded.toString()).doesNotContain(SECRET);
    assertThat(loaded.bundle().toString()).doesNotContain(SECRET);
    assertThat(credentials.toString()).doesNotContain(SECRET);
    assertThat(ConfigVersion.of(loaded.bundle())).doesNotContain(SECRET);
  }

  @Test
  void rejectedPoliciesNeverShowTheSecret() throws IOException {
    TestPolicies.copy(TestPolicies.EXAMPLES, dir);
    // a secret file a header cannot carry, and the same secret pasted inline
    Files.writeString(dir.resolve("secrets/openai-api-key"), SECRET + "\nsecond line\n");
    TestPolicies.replace(dir.resolve("providers.yaml"), "    secretFile: secrets/openai-api-key\n",
        "    secretFile: secrets/openai-api-key\n    apiKey: " + SECRET + "\n    token: \"" + SECRET + "\"\n");

    LoadResult result = PolicyLoader.load(dir);

    assertThat(result).isInstanceOf(LoadResult.Rejected.class);
    LoadResult.Rejected rejected = (LoadResult.Rejected) result;
    assertThat(rejected.errors()).hasSize(3);
    assertThat(rejected.toString()).doesNotContain(SECRET);
    assertThat(rejected.errors()).allSatisfy(e -> assertThat(e.format()).doesNotContain(SECRET));
  }
}
