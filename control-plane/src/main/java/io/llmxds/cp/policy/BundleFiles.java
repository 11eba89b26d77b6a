package io.llmxds.cp.policy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;

/** Reads the files policies name through the bundle's source and checks they hold what the policy says. */
final class BundleFiles implements ReferencedFiles {

  private static final String PEM_BEGIN = "-----BEGIN CERTIFICATE-----";

  private final BundleSource source;

  BundleFiles(BundleSource source) {
    this.source = source;
  }

  @Override
  public SecretValue secret(String secretFile) throws InvalidValue {
    String value = read(secretFile, "secret file").stripTrailing();
    if (value.isEmpty()) {
      throw new InvalidValue("secret file \"" + secretFile + "\" is empty");
    }
    if (value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
      throw new InvalidValue(
          "secret file \"" + secretFile + "\" contains a line break or control character (a header value cannot)");
    }
    return new SecretValue(value);
  }

  @Override
  public PemCertificates certificates(String pemFile) throws InvalidValue {
    String pem = read(pemFile, "CA file");
    if (!pem.contains(PEM_BEGIN)) {
      throw new InvalidValue("CA file \"" + pemFile + "\" holds no PEM certificate (" + PEM_BEGIN + ")");
    }
    try {
      int count = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).size();
      return new PemCertificates(pemFile, pem, count);
    } catch (CertificateException e) {
      throw new InvalidValue("CA file \"" + pemFile + "\" is not a list of PEM X.509 certificates: "
          + e.getMessage());
    }
  }

  private String read(String file, String what) throws InvalidValue {
    try {
      return source.file(file);
    } catch (IOException e) {
      throw new InvalidValue("cannot read " + what + " \"" + file + "\": " + IoProblems.describe(e));
    }
  }
}
