package io.llmxds.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmxds.common.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a read of the TLS files accepts, and how it names what is wrong: the file, never its contents. */
class TlsMaterialTest {
  @TempDir
  Path dir;

  @Test
  void aMatchingPairLoadsWithItsSans() throws Exception {
    TlsFiles files = TestPki.create(dir, "ca").issue("node-a", "URI:spiffe://llm-xds/node/a", "DNS:a", "IP:127.0.0.1");

    TlsMaterial material = TlsMaterial.read(files);

    assertThat(SubjectAltNames.of(material.chain()[0]).all())
        .containsExactly("URI:spiffe://llm-xds/node/a", "DNS:a", "IP:127.0.0.1");
    assertThat(material.trusted()).hasSize(1);
  }

  @Test
  void aKeyOfAnotherCertificateIsRefusedNamingBothFiles() throws Exception {
    TestPki ca = TestPki.create(dir, "ca");
    TlsFiles a = ca.issue("a", "DNS:a");
    TlsFiles b = ca.issue("b", "DNS:b");
    TlsFiles halfRotated = new TlsFiles(b.certificate(), a.privateKey(), a.trustedCa());

    assertThatThrownBy(() -> TlsMaterial.read(halfRotated))
        .isInstanceOf(GeneralSecurityException.class)
        .hasMessage(a.privateKey() + ": the key does not belong to the certificate in " + b.certificate()
            + " (replace both files together)");
  }

  @Test
  void aMissingOrBrokenFileIsNamed() throws Exception {
    TlsFiles a = TestPki.create(dir, "ca").issue("a", "DNS:a");
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> TlsMaterial.read(new TlsFiles(missing, a.privateKey(), a.trustedCa())))
        .hasMessage(missing + ": no such file");

    Path notPem = Files.writeString(dir.resolve("not.pem"), "hello");
    assertThatThrownBy(() -> TlsMaterial.read(new TlsFiles(a.certificate(), a.privateKey(), notPem)))
        .hasMessage(notPem + ": not a PEM certificate: No certificate data found");
  }
}
