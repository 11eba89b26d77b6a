package io.llmxds.cp.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The bearer token that guards the admin API's mutating endpoints. It lives in a file (never on the command line
 * or in logs): read if the file exists, otherwise generated and written with owner-only permissions.
 */
public final class AdminToken {
  private final byte[] token;

  private AdminToken(String token) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  public static AdminToken loadOrCreate(Path file) throws IOException {
    if (Files.exists(file)) {
      String value = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (value.isEmpty()) {
        throw new IOException("admin token file " + file + " is empty");
      }
      return new AdminToken(value);
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String value = HexFormat.of().formatHex(random);
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the file keeps the platform's default permissions.
    }
    return new AdminToken(value);
  }

  /** True when {@code authorization} is {@code Bearer <token>}; compares in constant time. */
  public boolean accepts(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] presented = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(presented, token);
  }

  @Override
  public String toString() {
    return "AdminToken[redacted]";
  }
}
