package io.llmxds.filters.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A Lua script and its SHA-1, by which Redis caches it ({@code EVALSHA}). */
public record LuaScript(String body, String sha1) {

  public static LuaScript of(String body) {
    try {
      return new LuaScript(body, HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-1").digest(body.getBytes(StandardCharsets.UTF_8))));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-1", e);
    }
  }
}
