package io.llmxds.cp.translate;

import io.llmxds.cp.policy.ContextPolicy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A context policy's own version: 16 hex digits of SHA-256 over the record alone (not the bundle's config version), so
 * that editing a provider does not change it. The context service puts it on its spans.
 */
final class ContextPolicyVersion {

  private ContextPolicyVersion() {}

  static String of(ContextPolicy policy) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(policy.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
