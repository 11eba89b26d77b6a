package io.llmxds.cp.policy;

import io.llmxds.cp.policy.DocumentScope.Claim;
import io.llmxds.cp.policy.DocumentScope.Reference;
import io.llmxds.cp.policy.Provider.Credentials;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The checks only the whole bundle can make: unique names, exactly one Gateway, references that resolve, values
 * claimed twice, and fallback chains Envoy can serve. Each error points at the document that made it wrong (the
 * second of two, the one that refers), and names the other one by {@code file:line}.
 */
final class BundleChecks {

  private final List<Declared> declared;
  private final Map<Kind, Map<String, Declared>> byName = new EnumMap<>(Kind.class);

  private BundleChecks(List<Declared> declared) {
    this.declared = declared;
    for (Kind kind : Kind.values()) {
      byName.put(kind, new TreeMap<>());
    }
  }

  /**
   * @param declared the documents, in file and document order (which decides what is "first")
   * @param files the policy files read, for the error that finds no Gateway in any of them
   */
  static void check(List<Declared> declared, List<String> files, List<PolicyError> sink) {
    BundleChecks checks = new BundleChecks(declared);
    checks.uniqueNames();
    checks.oneGateway(files, sink);
    checks.references();
    checks.claims();
    checks.fallbackCredentials();
    checks.consumerTiers();
    checks.globalLimitStores();
    checks.keysOfOneConsumer();
  }

  private void uniqueNames() {
    for (Declared d : declared) {
      d.name().ifPresent(name -> {
        Declared first = byName.get(d.kind()).putIfAbsent(name, d);
        if (first != null) {
          d.scope().error("metadata.name", "duplicate " + d.kind().wire() + " name \"" + name
              + "\": first defined at " + first.scope().where("metadata.name"));
        }
      });
    }
  }

  private void oneGateway(List<String> files, List<PolicyError> sink) {
    List<Declared> gateways = declared.stream().filter(d -> d.kind() == Kind.GATEWAY).toList();
    if (gateways.isEmpty()) {
      String read = files.isEmpty() ? "no policy files found" : "files read: " + String.join(", ", files);
      sink.add(new PolicyError(".", 0, 0, "Gateway", "no Gateway is defined; exactly one is required (" + read + ")"));
    }
    for (Declared extra : gateways.subList(Math.min(1, gateways.size()), gateways.size())) {
      Declared first = gateways.get(0);
      extra.scope().error("kind", "only one Gateway is allowed; " + first.scope().label()
          + " is defined at " + first.scope().where("kind"));
    }
  }

  private void references() {
    for (Declared d : declared) {
      for (Reference ref : d.scope().references()) {
        Map<String, Declared> known = byName.get(ref.kind());
        if (!known.containsKey(ref.name())) {
          String names = known.isEmpty() ? "none are defined" : "known: " + String.join(", ", known.keySet());
          d.scope().error(ref.path(), ref.kind().noun() + " \"" + ref.name() + "\" does not exist (" + names + ")");
        }
      }
    }
  }

  private void claims() {
    Map<ClaimKind, Map<String, DocumentScope>> firsts = new EnumMap<>(ClaimKind.class);
    for (Declared d : declared) {
      for (Claim claim : d.scope().claims()) {
        Map<String, DocumentScope> claimed = firsts.computeIfAbsent(claim.kind(), k -> new LinkedHashMap<>());
        DocumentScope first = claimed.putIfAbsent(claim.value(), d.scope());
        if (first != null) {
          d.scope().error(claim.path(), claim.kind().conflict(
              claim.value(), first.label(), first.where(firstPath(first, claim))));
        }
      }
    }
  }

  private static String firstPath(DocumentScope first, Claim claim) {
    return first.claims().stream()
        .filter(c -> c.kind() == claim.kind() && c.value().equals(claim.value()))
        .findFirst()
        .map(Claim::path)
        .orElse("");
  }

  /**
   * Envoy's aggregate cluster applies the aggregate's upstream filters, not each member's (envoy#29318), so one
   * credential is sent to every provider of a fallback chain: they must all expect the same one.
   */
  private void fallbackCredentials() {
    for (Declared d : declared) {
      if (!(d.value().orElse(null) instanceof ModelRoute route) || route.fallbacks().isEmpty()) {
        continue;
      }
      for (int i = 0; i < route.backends().size(); i++) {
        List<String> chain = route.fallbackChain(route.backends().get(i).provider());
        Map<String, Optional<Credentials>> credentials = new LinkedHashMap<>();
        for (String name : chain) {
          Optional<Provider> provider = provider(name);
          if (provider.isEmpty()) {
            return; // reported where that provider is declared or referred to
          }
          credentials.put(name, provider.get().credentials());
        }
        if (credentials.values().stream().map(BundleChecks::sameness).distinct().count() > 1) {
          String mix = credentials.entrySet().stream()
              .map(e -> e.getKey() + " (" + e.getValue().map(BundleChecks::describe).orElse("none") + ")")
              .collect(Collectors.joining(", "));
          d.scope().error("spec.backends[" + i + "].provider", "fallback chain mixes credentials: " + mix
              + "; Envoy sends one credential to the whole chain, so its providers must share it");
        }
      }
    }
  }

  /** A consumer's tier must be one some RateLimit gives a limit, or it silently gets the default limit. */
  private void consumerTiers() {
    List<Declared> limits = declared.stream().filter(d -> d.kind() == Kind.RATE_LIMIT).toList();
    if (limits.stream().anyMatch(d -> d.value().isEmpty())) {
      return; // a limit that did not read may name the tier
    }
    Set<String> tiers = new TreeSet<>();
    limits.forEach(d -> ((RateLimit) d.value().orElseThrow()).tiers().forEach(t -> tiers.add(t.value())));
    for (Declared d : declared) {
      if (d.value().orElse(null) instanceof Consumer consumer && !consumer.tier().equals(RateLimit.DEFAULT_TIER)
          && !tiers.contains(consumer.tier())) {
        String known = tiers.isEmpty() ? "no RateLimit has tiers" : "tiers: " + String.join(", ", tiers);
        d.scope().error("spec.tier", "tier \"" + consumer.tier() + "\" is given a limit by no RateLimit (" + known
            + "); use one of them or \"" + RateLimit.DEFAULT_TIER + "\"");
      }
    }
  }

  /** A global limit's counters must be shared by every replica of the service: Redis, not memory. */
  private void globalLimitStores() {
    for (Declared d : declared) {
      if (d.value().orElse(null) instanceof RateLimit limit) {
        limit.global().flatMap(g -> Optional.ofNullable(byName.get(Kind.CONTEXT_STORE).get(g.store())))
            .flatMap(Declared::value)
            .map(ContextStore.class::cast)
            .filter(store -> store.type() == ContextStore.Type.MEMORY)
            .ifPresent(store -> d.scope().error("spec.store", "ContextStore \"" + store.name() + "\" is a memory "
                + "store: " + RateLimitSpec.MEMORY_IS_LOCAL));
      }
    }
  }

  /**
   * Plain keys × stored hashes compared at most (one SHA-256 each, about 0.2 s warm); beyond, plain keys are compared
   * only among themselves.
   */
  static final long MAX_KEY_HASH_COMPARISONS = 250_000;

  /**
   * A key authenticates one consumer. Keys in plain text compare as they are, and against every stored hash (with
   * that hash's salt) while there are at most {@link #MAX_KEY_HASH_COMPARISONS} pairs; two stored hashes of one key
   * have different salts and cannot be compared. The error names the consumers and key names, never a key.
   */
  private void keysOfOneConsumer() {
    List<KeyOf> keys = new ArrayList<>();
    for (Declared d : declared) {
      if (d.value().orElse(null) instanceof Consumer consumer) {
        for (int i = 0; i < consumer.apiKeys().size(); i++) {
          keys.add(new KeyOf(d, consumer.name(), "spec.apiKeys[" + i + "].file", consumer.apiKeys().get(i)));
        }
      }
    }
    Map<String, KeyOf> plaintexts = new HashMap<>();
    for (KeyOf key : keys) {
      key.apiKey().plaintext().ifPresent(text -> {
        KeyOf first = plaintexts.putIfAbsent(text.reveal(), key);
        if (first != null) {
          key.sameAs(first);
        }
      });
    }
    List<KeyOf> stored = keys.stream().filter(k -> k.apiKey().plaintext().isEmpty()).toList();
    if ((long) stored.size() * plaintexts.size() > MAX_KEY_HASH_COMPARISONS) {
      return;
    }
    for (KeyOf hashed : stored) {
      plaintexts.forEach((text, plain) -> {
        if (ApiKeyHashes.matches(hashed.apiKey().hash().reveal(), text)) {
          hashed.sameAs(plain);
        }
      });
    }
  }

  /** One key of one consumer, where it is written. */
  private record KeyOf(Declared declared, String consumer, String path, Consumer.ApiKey apiKey) {
    void sameAs(KeyOf first) {
      String whose = first.consumer.equals(consumer) ? "key \"" + first.apiKey.name() + "\" of this consumer"
          : "key \"" + first.apiKey.name() + "\" of consumer \"" + first.consumer + "\" ("
              + first.declared.scope().where(first.path) + ")";
      declared.scope().error(path, "key \"" + apiKey.name() + "\" is the same key as " + whose
          + "; a key identifies one consumer");
    }
  }

  private Optional<Provider> provider(String name) {
    return Optional.ofNullable(byName.get(Kind.PROVIDER).get(name))
        .flatMap(Declared::value)
        .map(Provider.class::cast);
  }

  /** What decides the credential Envoy sends: header names compare case-insensitively, paths normalized. */
  private static List<String> sameness(Optional<Credentials> credentials) {
    return credentials
        .map(c -> List.of(c.header().toLowerCase(Locale.ROOT), c.prefix(), Path.of(c.secretFile()).normalize().toString()))
        .orElse(List.of());
  }

  private static String describe(Credentials c) {
    return c.header() + ": \"" + c.prefix() + "\" + " + c.secretFile();
  }
}
