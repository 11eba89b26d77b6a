package io.llmxds.cp.policy;

import io.llmxds.common.DataPathConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Salted API key hashes, {@code sha256$<32 hex salt>$<64 hex digest>} with digest = SHA-256(salt bytes ‖ key as
 * UTF-8) (the format of {@link DataPathConfig#KEY_HASH_SCHEME}): what the data-path service checks a client's key
 * against, so that no key itself ever leaves the control plane, and a policy directory holding only hashes leaks
 * none.
 */
public final class ApiKeyHashes {

  static final Pattern FORMAT =
      Pattern.compile(Pattern.quote(DataPathConfig.KEY_HASH_SCHEME) + "[0-9a-f]{32}\\$[0-9a-f]{64}");
  private static final int SALT_BYTES = 16;
  private static final String DERIVED_SALT_CONTEXT = "llm-xds api key salt\0";
  private static final HexFormat HEX = HexFormat.of();
  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeyHashes() {}

  /** A hash with a fresh random salt: what {@code llm-xds hash-key} prints. */
  public static String random(String key) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return hash(salt, key);
  }

  /**
   * A hash whose salt is fixed by the consumer and the key's name (the first 16 bytes of SHA-256 of a context
   * string, the consumer and the name): the same key file gives the same config on every reload and replica.
   */
  static String derived(String consumer, String keyName, String key) {
    byte[] seed = sha256((DERIVED_SALT_CONTEXT + consumer + "\0" + keyName).getBytes(StandardCharsets.UTF_8));
    return hash(Arrays.copyOf(seed, SALT_BYTES), key);
  }

  /** Whether {@code key} is the key of the stored hash {@code hash} (which has {@link #FORMAT}). */
  static boolean matches(String hash, String key) {
    String[] parts = hash.split("\\$");
    return MessageDigest.isEqual(hash(HEX.parseHex(parts[1]), key).getBytes(StandardCharsets.US_ASCII),
        hash.getBytes(StandardCharsets.US_ASCII));
  }

  /** Why {@code key} (stripped) cannot be a key, if it cannot: never quoting it. */
  public static Optional<String> invalidKey(String key) {
    if (key.isEmpty()) {
      return Optional.of("is empty");
    }
    if (key.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      return Optional.of("holds whitespace or a control character inside the key: a key is one word");
    }
    return Optional.empty();
  }

  static boolean isHash(String text) {
    return FORMAT.matcher(text).matches();
  }

  private static String hash(byte[] salt, String key) {
    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
    byte[] input = Arrays.copyOf(salt, salt.length + keyBytes.length);
    System.arraycopy(keyBytes, 0, input, salt.length, keyBytes.length);
    return DataPathConfig.KEY_HASH_SCHEME + HEX.formatHex(salt) + "$" + HEX.formatHex(sha256(input));
  }

  private static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
