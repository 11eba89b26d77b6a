package io.llmxds.cp.publish;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources;
import io.llmxds.cp.translate.EnvoyResources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The version of each xDS resource type: a content hash of that type's resources. An unchanged type keeps its
 * version, so {@code SimpleCache} pushes nothing for it; the same content gives the same versions in every JVM and
 * after restarts (unlike {@code Message.hashCode()}).
 */
public final class TypeVersions {

  /** 16 hex digits (64 bits): ample to tell successive configs apart. */
  private static final int VERSION_BYTES = 8;

  private TypeVersions() {}

  /** Type URL to version, in xDS order: CDS, EDS, LDS, RDS, SDS. */
  public static Map<String, String> of(EnvoyResources resources) {
    Map<String, String> versions = new LinkedHashMap<>();
    versions.put(Resources.V3.CLUSTER_TYPE_URL, hash(resources.clusters()));
    versions.put(Resources.V3.ENDPOINT_TYPE_URL, hash(resources.endpoints()));
    versions.put(Resources.V3.LISTENER_TYPE_URL, hash(resources.listeners()));
    versions.put(Resources.V3.ROUTE_TYPE_URL, hash(resources.routes()));
    versions.put(Resources.V3.SECRET_TYPE_URL, hash(resources.secrets()));
    return Collections.unmodifiableMap(versions);
  }

  private static String hash(List<? extends Message> messages) {
    MessageDigest digest = sha256();
    messages.stream()
        .sorted(Comparator.comparing(Resources::getResourceName))
        .forEach(
            message -> {
              // Length prefixes keep (name, bytes) boundaries unambiguous.
              lengthPrefixed(digest, Resources.getResourceName(message).getBytes(StandardCharsets.UTF_8));
              lengthPrefixed(digest, deterministicBytes(message));
            });
    return HexFormat.of().formatHex(digest.digest(), 0, VERSION_BYTES);
  }

  private static void lengthPrefixed(MessageDigest digest, byte[] bytes) {
    digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
    digest.update(bytes);
  }

  /**
   * Default serialization may order map entries differently for equal messages; deterministic serialization does
   * not. (Bytes already packed inside an {@code Any} are taken as they are.)
   */
  private static byte[] deterministicBytes(Message message) {
    byte[] bytes = new byte[message.getSerializedSize()];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.useDeterministicSerialization();
    try {
      message.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialize " + Resources.getResourceName(message), e);
    }
    out.checkNoSpaceLeft();
    return bytes;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
