package io.llmxds.filters.context;

import io.llmxds.filters.context.RequestPolicy.Schema;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Where a session's record lives in a store, and the hashed id that stands for the session in spans (session and user
 * ids are personal data, so only the hash leaves the process). Key layout (docs/context-protocol.md):
 * {@code llmxds:ctx:<schema>:<session>}, where {@code <session>} is the URL-encoded session id, prefixed by the
 * URL-encoded user id and {@code /} when the request carries the policy's user header, and by {@code @}, the
 * URL-encoded consumer name and {@code /} when the gateway authenticated a consumer. An encoded value never holds
 * {@code @} or {@code /}, so no anonymous key equals a consumer's, and no two consumers share one.
 */
public final class SessionKeys {

  private static final String PREFIX = "llmxds:ctx:";

  private SessionKeys() {}

  /** The store key of the session's record in {@code schema}. */
  public static String storeKey(SessionKey session, Schema schema) {
    return PREFIX + schemaName(schema) + ":" + sessionPath(session);
  }

  /** The first 16 hex digits of the SHA-256 of the {@code <session>} part of the key (the same for every schema). */
  public static String hash(SessionKey session) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(sessionPath(session).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** {@code v1} or {@code v2}: the schema's name in keys, span attributes and metric tags. */
  public static String schemaName(Schema schema) {
    return schema.name().toLowerCase(Locale.ROOT);
  }

  private static String sessionPath(SessionKey session) {
    String id = encode(session.sessionId());
    String path = session.userId().map(user -> encode(user) + "/" + id).orElse(id);
    return session.consumer().map(consumer -> "@" + encode(consumer) + "/" + path).orElse(path);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
