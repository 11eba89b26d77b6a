package io.llmxds.cp.policy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where the context service keeps conversation history: the process's memory (one replica) or Redis, standalone or a
 * cluster, shared by every replica. The name {@value #BUILT_IN_MEMORY} is the built-in in-memory store, which needs no
 * document.
 *
 * @param addresses {@code redis}: the one server; {@code redis-cluster}: seed nodes; {@code memory}: none
 * @param database the Redis database ({@code redis} only; 0 otherwise)
 * @param password the store's password, read from {@code passwordFile}
 * @param poolSize connections the service keeps to the store
 */
public record ContextStore(
    String name,
    Type type,
    List<Address> addresses,
    int database,
    Optional<Tls> tls,
    Optional<String> username,
    Optional<Password> password,
    Duration connectTimeout,
    Duration commandTimeout,
    int poolSize) {

  public static final String BUILT_IN_MEMORY = "memory";

  public ContextStore {
    addresses = List.copyOf(addresses);
  }

  /** The built-in store that a ContextPolicy gets when it names {@value #BUILT_IN_MEMORY}. */
  public static ContextStore builtInMemory() {
    return new ContextStore(BUILT_IN_MEMORY, Type.MEMORY, List.of(), 0, Optional.empty(), Optional.empty(),
        Optional.empty(), Duration.ofSeconds(1), Duration.ofMillis(250), 1);
  }

  public enum Type {
    MEMORY("memory"), REDIS("redis"), REDIS_CLUSTER("redis-cluster");

    private final String wire;

    Type(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  /** A host (IP literal or DNS name) and port. */
  public record Address(String host, int port) {
    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /**
   * TLS to the store.
   *
   * @param sni the server name sent and verified
   * @param ca the CAs that sign the store's certificate, when not the service host's defaults
   */
  public record Tls(String sni, Optional<PemCertificates> ca) {}

  /** @param file the path as written in the policy */
  public record Password(String file, SecretValue value) {}
}
