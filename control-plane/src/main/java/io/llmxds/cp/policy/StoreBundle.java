package io.llmxds.cp.policy;

import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A bundle held in a key-value store at one revision (etcd; docs/sources.md): keys relative to the prefix are the
 * paths of a policy directory. Top-level keys with a policy file name are the documents; any other key is a file they
 * may name by its relative path ({@code secrets/openai.key}). An absolute path names a file of this host (a secret
 * mounted next to the control plane, never written to the store).
 */
public final class StoreBundle implements BundleSource {
  private final SortedMap<String, byte[]> entries;
  private final long revision;
  private final Set<Path> localInputs = new TreeSet<>();

  /**
   * @param entries relative key → value; hidden top-level names ({@code .llm-xds/…}) are the store's own
   */
  public StoreBundle(Map<String, byte[]> entries, long revision) {
    this.entries = new TreeMap<>(entries);
    this.revision = revision;
  }

  /** The key a bundle-relative path is stored under, or empty when it leaves the bundle ({@code ../x}). */
  private static Optional<String> keyOf(String relativePath) {
    Path normalized = Path.of(relativePath).normalize();
    if (normalized.isAbsolute() || normalized.startsWith("..") || normalized.toString().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(normalized.toString());
  }

  @Override
  public String location() {
    return "store revision " + revision;
  }

  @Override
  public List<String> documentNames() {
    return entries.keySet().stream().filter(k -> !k.contains("/") && PolicyFiles.isPolicyFileName(k)).toList();
  }

  @Override
  public String document(String name) throws IOException {
    return text(name);
  }

  @Override
  public String file(String asWritten) throws IOException {
    if (Path.of(asWritten).isAbsolute()) {
      Path local = Path.of(asWritten).normalize();
      localInputs.add(local);
      return Files.readString(local);
    }
    String key = keyOf(asWritten).orElseThrow(() -> new UnreadableFile("it is outside the bundle"));
    return text(key);
  }

  private String text(String key) throws IOException {
    byte[] value = entries.get(key);
    if (value == null) {
      throw new NoSuchFileException(key);
    }
    // strict, as Files.readString is: a value that is not UTF-8 is refused (CharacterCodingException), not mangled
    return StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(value)).toString();
  }

  @Override
  public Set<Path> localInputs() {
    return Set.copyOf(localInputs);
  }

  @Override
  public OptionalLong revision() {
    return OptionalLong.of(revision);
  }
}
