package io.llmxds.cp.policy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A secret's contents. {@link #toString()} never shows them, so a secret cannot leak through logging, a span
 * attribute or an error message by accident; code that must emit the value calls {@link #reveal()}.
 */
public record SecretValue(String value) {

  public String reveal() {
    return value;
  }

  /** A short digest that changes when the secret changes, safe to print. */
  public String fingerprint() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "SecretValue[" + fingerprint() + "]";
  }
}
