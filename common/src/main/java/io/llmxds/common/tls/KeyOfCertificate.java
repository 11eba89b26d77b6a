package io.llmxds.common.tls;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;

/**
 * Whether a private key belongs to a certificate: a probe signed with the key must verify with the certificate's
 * public key. A key of another certificate would otherwise only show as a failed handshake on the other side.
 */
public final class KeyOfCertificate {
  private static final byte[] PROBE = "llm-xds key check".getBytes(StandardCharsets.US_ASCII);

  private KeyOfCertificate() {}

  /** False also for a key of another type than the certificate's. */
  public static boolean belongTogether(PrivateKey key, X509Certificate cert) throws GeneralSecurityException {
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> key.getAlgorithm(); // Ed25519, Ed448 name their own signature
    };
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(PROBE);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    try {
      verifier.initVerify(cert.getPublicKey());
    } catch (GeneralSecurityException e) {
      return false; // a key of another type
    }
    verifier.update(PROBE);
    return verifier.verify(signature);
  }
}
