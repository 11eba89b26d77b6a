package io.llmxds.common.tls;

import io.grpc.util.CertificateUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** One consistent read of {@link TlsFiles}: parsed, and checked that the key belongs to the certificate. */
record TlsMaterial(X509Certificate[] chain, PrivateKey key, X509Certificate[] trusted, byte[] digest) {

  /** A content digest of the three files, cheap enough to poll: the material is re-parsed only when it changes. */
  static byte[] digest(TlsFiles files) throws IOException {
    MessageDigest sha256 = sha256();
    for (Path file : new Path[] {files.certificate(), files.privateKey(), files.trustedCa()}) {
      sha256.update(bytes(file));
      sha256.update((byte) 0);
    }
    return sha256.digest();
  }

  private static byte[] bytes(Path file) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IOException(file + ": no such file", e);
    }
  }

  /** Reads and checks the files; the message names the file and what is wrong with it (never its contents). */
  static TlsMaterial read(TlsFiles files) throws IOException, GeneralSecurityException {
    byte[] digest = digest(files);
    X509Certificate[] chain = certificates(files.certificate());
    X509Certificate[] trusted = certificates(files.trustedCa());
    PrivateKey key;
    try {
      key = CertificateUtils.getPrivateKey(new ByteArrayInputStream(bytes(files.privateKey())));
    } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
      throw new GeneralSecurityException(files.privateKey() + ": not a PEM private key (PKCS#8): " + e.getMessage(), e);
    }
    if (!KeyOfCertificate.belongTogether(key, chain[0])) {
      throw new GeneralSecurityException(files.privateKey() + ": the key does not belong to the certificate in "
          + files.certificate() + " (replace both files together)");
    }
    return new TlsMaterial(chain, key, trusted, digest);
  }

  private static X509Certificate[] certificates(Path file) throws IOException, GeneralSecurityException {
    try {
      return CertificateUtils.getX509Certificates(new ByteArrayInputStream(bytes(file)));
    } catch (GeneralSecurityException e) {
      throw new GeneralSecurityException(file + ": not a PEM certificate: " + e.getMessage(), e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
