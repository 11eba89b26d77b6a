package io.llmxds.cp.policy;

import io.llmxds.cp.policy.ContextStore.Address;
import io.llmxds.cp.policy.ContextStore.Password;
import io.llmxds.cp.policy.ContextStore.Tls;
import io.llmxds.cp.policy.ContextStore.Type;
import io.llmxds.cp.policy.Durations.Rule;
import io.llmxds.cp.policy.MappingReader.Item;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Reads a ContextStore's spec, including the password its {@code passwordFile} names. */
final class ContextStoreSpec {

  static final FieldSet FIELDS = FieldSet.of("type", "addresses", "database", "tls", "username", "passwordFile",
      "connectTimeout", "commandTimeout", "poolSize");
  private static final FieldSet TLS = FieldSet.of("caFile", "sni");
  private static final Conversion<Address> ADDRESS = Values.STRING.then(ContextStoreSpec::address);
  static final int MAX_POOL_SIZE = 64;

  private ContextStoreSpec() {}

  static Optional<ContextStore> decode(String name, MappingReader spec, ReferencedFiles files) {
    if (name.equals(ContextStore.BUILT_IN_MEMORY)) {
      spec.scope().error("metadata.name", "\"" + ContextStore.BUILT_IN_MEMORY
          + "\" is the built-in in-memory store; give this store another name");
    }
    Optional<Type> type = spec.required("type", Values.oneOf(Type.values(), Type::wire));
    List<Address> addresses = spec.optionalList("addresses", ADDRESS).orElse(List.of()).stream()
        .map(Item::value).toList();
    int database = spec.optional("database", Values.integer(0, 1_000_000), 0);
    Optional<MappingReader> tlsSpec = spec.optionalMapping("tls", TLS);
    Optional<PemCertificates> ca = tlsSpec.flatMap(t -> t.optional("caFile",
        Values.NON_EMPTY_STRING.then(files::certificates)));
    Optional<String> sni = tlsSpec.flatMap(t -> t.optional("sni", Values.HOST));
    Optional<String> username = spec.optional("username", Values.NON_EMPTY_STRING);
    Optional<Password> password = spec.optional("passwordFile",
        Values.NON_EMPTY_STRING.then(file -> new Password(file, files.secret(file))));
    Duration connect = spec.optional("connectTimeout", Values.duration(Rule.POSITIVE), Duration.ofSeconds(1));
    Duration command = spec.optional("commandTimeout", Values.duration(Rule.POSITIVE), Duration.ofMillis(250));
    int poolSize = spec.optional("poolSize", Values.integer(1, MAX_POOL_SIZE), 1);
    // Counted as written: an address that did not read is reported on its own, not as a missing one.
    int written = spec.node("addresses").filter(n -> n instanceof YamlNode.Sequence)
        .map(n -> ((YamlNode.Sequence) n).items().size()).orElse(0);
    type.ifPresent(t -> checkShape(spec, t, written, database));
    return spec.build(() -> new ContextStore(name, type.get(), addresses, database,
        tlsSpec.map(t -> new Tls(sni.orElse(addresses.get(0).host()), ca)), username, password, connect, command,
        poolSize));
  }

  /** What each type needs: a memory store has no server, Redis one, a cluster its seeds on database 0. */
  private static void checkShape(MappingReader spec, Type type, int addresses, int database) {
    switch (type) {
      case MEMORY -> {
        for (String field : List.of("addresses", "database", "tls", "username", "passwordFile")) {
          if (spec.node(field).isPresent()) {
            spec.error(field, "a memory store has no server: " + field + " is only for redis and redis-cluster");
          }
        }
      }
      case REDIS -> {
        if (addresses != 1) {
          spec.error("addresses", "a redis store has exactly one address (host:port), got " + addresses
              + "; several servers are a redis-cluster");
        }
      }
      case REDIS_CLUSTER -> {
        if (addresses == 0) {
          spec.error("addresses", "a redis-cluster store needs at least one seed address (host:port)");
        }
        if (database != 0) {
          spec.error("database", "Redis Cluster has only database 0");
        }
      }
    }
  }

  private static Address address(String text) throws InvalidValue {
    int colon = text.lastIndexOf(':');
    if (colon < 1 || colon == text.length() - 1) {
      throw new InvalidValue("expected host:port (an IPv6 address in brackets), got \"" + text + "\"");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new InvalidValue("an IPv6 address needs brackets: [" + host + "]" + text.substring(colon));
    }
    if (!Values.isIpLiteral(host) && !Values.isHostname(host)) {
      throw new InvalidValue("\"" + host + "\" is neither an IP address nor a host name");
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      throw new InvalidValue("port must be 1–65535, got \"" + text.substring(colon + 1) + "\"");
    }
    return new Address(host, port);
  }
}
