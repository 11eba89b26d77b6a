package io.llmxds.cp.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.llmxds.cp.policy.SecretValue;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretTranslatorTest {

  private final EnvoyResources resources = Translator.translate(Bundles.example());

  @Test
  void oneGenericSecretPerProviderWithCredentialsHoldingTheWholeHeaderValue() {
    List<Secret> secrets = resources.secrets();
    assertThat(secrets).extracting(Secret::getName).containsExactly("provider/openai/credential");
    assertThat(secrets.get(0).getGenericSecret().getSecret().getInlineString()).isEqualTo("Bearer " + Bundles.SECRET);
  }

  @Test
  void renderingShowsAFingerprintNeverTheSecret() {
    String yaml = ResourceYaml.render(resources.secrets());
    assertThat(yaml).doesNotContain(Bundles.SECRET)
        .contains("<redacted " + new SecretValue("Bearer " + Bundles.SECRET).fingerprint() + ">");
    assertThat(ResourceYaml.render(resources.clusters())).doesNotContain(Bundles.SECRET);
  }
}
