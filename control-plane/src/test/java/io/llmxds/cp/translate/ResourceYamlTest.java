package io.llmxds.cp.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.GenericSecret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceYamlTest {

  @Test
  void anyIsUnpackedWithItsTypeAndProtoFieldNames() {
    String yaml = ResourceYaml.render(Translator.translate(Bundles.example()).listeners());
    assertThat(yaml)
        .contains("'@type': type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor")
        .contains("per_connection_buffer_limit_bytes: 8388608")
        .startsWith("---\nname: edge\n");
  }

  @Test
  void numericStringsStayStrings() {
    String yaml = ResourceYaml.render(List.of(io.envoyproxy.envoy.config.route.v3.RouteConfiguration.newBuilder()
        .setName("20").build()));
    assertThat(yaml).isEqualTo("---\nname: \"20\"\n");
  }

  @Test
  void everySensitiveFieldIsRedactedButFileNamesStay() {
    Secret secret = Secret.newBuilder()
        .setName("s")
        .setGenericSecret(GenericSecret.newBuilder()
            .putSecrets("a", DataSource.newBuilder().setInlineString("map-secret").build())
            .putSecrets("b", DataSource.newBuilder().setFilename("/etc/key").build()))
        .build();
    Secret tls = Secret.newBuilder()
        .setName("t")
        .setTlsCertificate(TlsCertificate.newBuilder()
            .setPrivateKey(DataSource.newBuilder().setInlineBytes(com.google.protobuf.ByteString.copyFromUtf8("pk")))
            .setCertificateChain(DataSource.newBuilder().setInlineString("public-cert")))
        .build();
    String yaml = ResourceYaml.render(List.of(secret, tls));
    assertThat(yaml).doesNotContain("map-secret").doesNotContain(": pk").contains("/etc/key").contains("public-cert")
        .contains("<redacted sha256:");
  }

  @Test
  void anEmptyListRendersAsNothing() {
    assertThat(ResourceYaml.render(List.of())).isEmpty();
  }
}
