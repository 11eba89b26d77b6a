package io.llmxds.filters.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The consumer table one snapshot runs with: who an API key belongs to, and who a consumer is. A key is checked
 * against every stored hash, grouped by salt: an unknown key costs one SHA-256 per distinct salt (the control plane
 * gives every key its own salt, so one per key of the table), compared in constant time. A key found once is
 * remembered by its own SHA-256 in a bounded cache of this snapshot only, so a valid key costs one hash afterwards
 * and a removed key is refused by the next snapshot, whose cache starts empty.
 */
public final class Consumers {
  /** Keys remembered per snapshot: enough for every active key of a large gateway. */
  static final int CACHED_KEYS = 10_000;

  private final ConsumerTable table;
  private final List<SaltGroup> groups;
  private final Cache<String, Consumer> known = Caffeine.newBuilder().maximumSize(CACHED_KEYS).build();

  /** The hashes sharing one salt, each with its consumer. */
  private record SaltGroup(byte[] salt, List<Stored> hashes) {}

  private record Stored(byte[] hash, Consumer consumer) {}

  public Consumers(ConsumerTable table) {
    this.table = table;
    Map<String, SaltGroup> bySalt = new LinkedHashMap<>();
    table.keys().forEach((name, hashes) -> {
      Consumer consumer = table.consumers().get(name);
      for (KeyHash hash : hashes) {
        bySalt.computeIfAbsent(hash.salt(), salt -> new SaltGroup(hash.saltBytes(), new ArrayList<>()))
            .hashes().add(new Stored(hash.hashBytes(), consumer));
      }
    });
    this.groups = List.copyOf(bySalt.values());
  }

  /** The consumer whose key {@code key} is. */
  public Optional<Consumer> byKey(String key) {
    byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
    String remembered = HexFormat.of().formatHex(sha256().digest(utf8));
    Consumer cached = known.getIfPresent(remembered);
    if (cached != null) {
      return Optional.of(cached);
    }
    Consumer found = null;
    for (SaltGroup group : groups) {
      MessageDigest digest = sha256();
      digest.update(group.salt());
      byte[] hash = digest.digest(utf8);
      // Every stored hash is compared, in constant time: how long a check takes says nothing of where it matched.
      for (Stored stored : group.hashes()) {
        if (MessageDigest.isEqual(hash, stored.hash())) {
          found = stored.consumer();
        }
      }
    }
    if (found != null) {
      known.put(remembered, found);
    }
    return Optional.ofNullable(found);
  }

  /** The consumer named {@code name} (the gateway's {@code x-llm-consumer}). */
  public Optional<Consumer> named(String name) {
    return Optional.ofNullable(table.consumers().get(name));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
