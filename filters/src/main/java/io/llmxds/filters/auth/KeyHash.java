package io.llmxds.filters.auth;

import io.llmxds.common.DataPathConfig;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One stored API key: {@code sha256$<32 hex salt>$<64 hex of SHA-256(salt bytes ‖ key as UTF-8)>}, a line of a
 * consumer's keys secret. Kept as lower-case hex so that equal secrets make equal configs.
 */
public record KeyHash(String salt, String hash) {
  private static final Pattern LINE = Pattern.compile(
      Pattern.quote(DataPathConfig.KEY_HASH_SCHEME) + "([0-9a-fA-F]{32})\\$([0-9a-fA-F]{64})");

  /**
   * The hashes of a secret, one per non-blank line.
   *
   * @throws IllegalArgumentException naming the line (by number: a line is never quoted)
   */
  public static List<KeyHash> parseLines(String secret) {
    List<KeyHash> hashes = new ArrayList<>();
    String[] lines = secret.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty()) {
        continue;
      }
      var match = LINE.matcher(line);
      if (!match.matches()) {
        throw new IllegalArgumentException("line " + (i + 1) + " is not " + DataPathConfig.KEY_HASH_SCHEME
            + "<32 hex digits of salt>$<64 hex digits of SHA-256>");
      }
      hashes.add(new KeyHash(match.group(1).toLowerCase(java.util.Locale.ROOT),
          match.group(2).toLowerCase(java.util.Locale.ROOT)));
    }
    return hashes;
  }

  byte[] saltBytes() {
    return HexFormat.of().parseHex(salt);
  }

  byte[] hashBytes() {
    return HexFormat.of().parseHex(hash);
  }
}
