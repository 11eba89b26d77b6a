package io.llmxds.cp.policy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Set;

/** Reads the files policies name, relative to the policy directory, and notes each one as an input to watch. */
final class PolicyDirectoryFiles implements ReferencedFiles {

  private static final String PEM_BEGIN = "-----BEGIN CERTIFICATE-----";

  private final Path policyDir;
  private final Set<Path> inputs;

  /**
   * @param policyDir absolute
   * @param inputs receives the absolute path of every file read
   */
  PolicyDirectoryFiles(Path policyDir, Set<Path> inputs) {
    this.policyDir = policyDir;
    this.inputs = inputs;
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
    Path path = policyDir.resolve(file).normalize();
    inputs.add(path);
    if (Files.isDirectory(path)) {
      throw new InvalidValue("cannot read " + what + " \"" + file + "\": it is a directory");
    }
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new InvalidValue("cannot read " + what + " \"" + file + "\": " + IoProblems.describe(e));
    }
  }
}
