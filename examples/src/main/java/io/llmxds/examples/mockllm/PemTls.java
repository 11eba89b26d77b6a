package io.llmxds.examples.mockllm;

import io.llmxds.common.tls.KeyOfCertificate;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS contexts from PEM, the format {@code openssl} and Envoy use, with the JDK alone (no keystore files to convert):
 * the HTTPS mock's server identity, and a client context trusting given CAs for the mock's clients (tests, demos).
 */
public final class PemTls {
  private static final Pattern PKCS8 =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  /** A keystore that lives in memory only still wants a password. */
  private static final char[] IN_MEMORY = new char[0];

  private PemTls() {}

  /** A server context presenting {@code tls}'s chain; fails, naming the file, on anything it cannot use. */
  public static SSLContext server(MockLlm.Tls tls) throws IOException {
    List<X509Certificate> chain = certificates(read(tls.certificateChain()), tls.certificateChain().toString());
    PrivateKey key = privateKey(tls.privateKey(), chain.get(0));
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("mock", key, IN_MEMORY, chain.toArray(new Certificate[0]));
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, IN_MEMORY);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot build a TLS server context from " + tls + ": " + e.getMessage(), e);
    }
  }

  /** A client context that trusts exactly the CAs in {@code caPem} (one or more PEM certificates). */
  public static SSLContext trusting(String caPem) throws IOException {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      List<X509Certificate> cas = certificates(caPem, "the CA PEM");
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot build a TLS client context: " + e.getMessage(), e);
    }
  }

  /** Every certificate of a PEM text, in order; at least one. */
  public static List<X509Certificate> certificates(String pem, String source) throws IOException {
    try {
      List<X509Certificate> certificates = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).stream()
          .map(X509Certificate.class::cast)
          .toList();
      if (certificates.isEmpty()) {
        throw new IOException(source + " holds no PEM certificate");
      }
      return certificates;
    } catch (GeneralSecurityException e) {
      throw new IOException(source + " is not a list of PEM certificates: " + e.getMessage(), e);
    }
  }

  /** The key, of the certificate's algorithm (RSA or EC), checked to belong to that certificate. */
  private static PrivateKey privateKey(Path file, X509Certificate leaf) throws IOException {
    String pem = read(file);
    Matcher pkcs8 = PKCS8.matcher(pem);
    if (!pkcs8.find()) {
      throw new IOException(file + " holds no unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----); convert a "
          + "PKCS#1 or SEC1 key with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pkcs8");
    }
    String algorithm = leaf.getPublicKey().getAlgorithm();
    try {
      PrivateKey key = KeyFactory.getInstance(algorithm)
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(pkcs8.group(1))));
      // Said at start rather than as a failed handshake on the client.
      if (!KeyOfCertificate.belongTogether(key, leaf)) {
        throw new GeneralSecurityException("the key does not belong to the certificate");
      }
      return key;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException(file + " is not a usable " + algorithm + " key for " + leaf.getSubjectX500Principal()
          + ": " + e.getMessage(), e);
    }
  }

  private static String read(Path file) throws IOException {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
