package io.llmxds.cp.envoy;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.llmxds.cp.translate.EnvoyTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** A static bootstrap as the file Envoy reads: JSON with proto field names; written readable by its owner only. */
public final class BootstrapFiles {
  private static final JsonFormat.Printer JSON =
      JsonFormat.printer().usingTypeRegistry(EnvoyTypes.REGISTRY).preservingProtoFieldNames();
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private BootstrapFiles() {}

  /** The bootstrap as Envoy's {@code -c FILE.json} reads it, secrets in the clear. */
  public static String json(Bootstrap bootstrap) {
    try {
      return JSON.print(bootstrap);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print the bootstrap", e);
    }
  }

  /** Writes {@code text} to {@code file}, mode 0600 before any byte is written (an existing file is narrowed first). */
  public static void writeOwnerOnly(Path file, String text) throws IOException {
    if (Files.exists(file)) {
      Files.setPosixFilePermissions(file, OWNER_ONLY);
    } else {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    }
    Files.writeString(file, text);
  }
}
