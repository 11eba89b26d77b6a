package io.llmxds.cp.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.GenericSecret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import org.junit.jupiter.api.Test;

/** Envoy's output about a bootstrap, with every secret of that bootstrap out of it, however Envoy quoted it. */
class SecretScrubberTest {
  private static final String KEY_LINE = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7";
  private static final String PEM = "-----BEGIN PRIVATE KEY-----\n" + KEY_LINE + "\n-----END PRIVATE KEY-----\n";
  private static final String API_KEY = "sk-live-1234";
  private static final String CERT = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUPUBLICPUBLICPUBLIC\n";

  private static final Bootstrap BOOTSTRAP = Bootstrap.newBuilder().setStaticResources(
      Bootstrap.StaticResources.newBuilder()
          .addSecrets(Secret.newBuilder().setName("tls").setTlsCertificate(TlsCertificate.newBuilder()
              .setCertificateChain(DataSource.newBuilder().setInlineString(CERT))
              .setPrivateKey(DataSource.newBuilder().setInlineString(PEM))))
          .addSecrets(Secret.newBuilder().setName("provider/openai/credential").setGenericSecret(
              GenericSecret.newBuilder().setSecret(DataSource.newBuilder().setInlineString("Bearer " + API_KEY)))))
      .build();

  @Test
  void rawEscapedAndLineByLineSecretsAreReplacedAndNothingElse() {
    SecretScrubber scrubber = SecretScrubber.of(BOOTSTRAP);
    String escaped = PEM.replace("\n", "\\n");

    String scrubbed = scrubber.scrub("raw: " + PEM + " escaped: inline_string: \"" + escaped + "\" line: " + KEY_LINE
        + " header: Bearer " + API_KEY + " alone: '" + API_KEY + "' cert: " + CERT);

    assertThat(scrubbed).doesNotContain(KEY_LINE).contains("alone: '<redacted sha256:").doesNotContain(API_KEY).contains("<redacted sha256:")
        .contains("MIIBszCCAVmgAwIBAgIUPUBLICPUBLICPUBLIC");
  }
}
