package io.llmxds.cp.translate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A policy's own version: 16 hex digits of SHA-256 over the record alone (not the bundle's config version), so that
 * editing a provider does not change it. The data-path service puts a context policy's and a rate limit's on its
 * spans. Records print every component, nested records and collections included, in a fixed order.
 */
final class RecordVersion {

  private RecordVersion() {}

  static String of(Record policy) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(policy.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
