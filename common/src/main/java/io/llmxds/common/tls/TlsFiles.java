package io.llmxds.common.tls;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The PEM files of one side of a mutual-TLS connection: its own certificate chain and private key (PKCS#8, as
 * {@code openssl} writes it), and the CA bundle the other side's certificate must chain to.
 */
public record TlsFiles(Path certificate, Path privateKey, Path trustedCa) {
  public TlsFiles {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(trustedCa, "trustedCa");
  }

  @Override
  public String toString() {
    return "cert " + certificate + ", key " + privateKey + ", CA " + trustedCa;
  }
}
