package io.llmxds.filters.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a context store is, as the data-path config describes it (docs/data-path-config.md, "CDS: the stores"): equal
 * specs are the same store, so a snapshot keeps the client of a store whose spec did not change.
 *
 * @param addresses {@code redis}: one; {@code redis-cluster}: the seed nodes; {@code memory}: none
 * @param password the store's password (from its SDS secret); never printed
 */
public record StoreSpec(String name, Type type, List<Address> addresses, int database, Optional<Tls> tls,
    Optional<String> username, Optional<String> password, Duration connectTimeout, Duration commandTimeout,
    int poolSize) {

  public StoreSpec {
    addresses = List.copyOf(addresses);
  }

  /** The kinds of store. */
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

  public record Address(String host, int port) {
    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /**
   * @param sni the server name to send and verify
   * @param caPem the CAs to trust (PEM); empty: the service host's default trust store
   */
  public record Tls(String sni, Optional<String> caPem) {}

  /** How errors name the store: {@code ContextStore/<name>: redis://host:port/db}. */
  public String label() {
    String scheme = tls.isPresent() ? "rediss" : "redis";
    return switch (type) {
      case MEMORY -> "ContextStore/" + name + ": memory";
      case REDIS -> "ContextStore/" + name + ": " + scheme + "://" + hosts() + "/" + database;
      case REDIS_CLUSTER -> "ContextStore/" + name + ": " + scheme + "-cluster://" + hosts();
    };
  }

  // A spec with the wrong number of addresses still gets a label: the error that says so starts with it.
  private String hosts() {
    return addresses.isEmpty() ? "(no address)" : String.join(",", addresses.stream().map(Address::toString).toList());
  }

  /** No password in it. */
  @Override
  public String toString() {
    return "StoreSpec[" + label() + ", username=" + username.orElse("") + ", password="
        + (password.isPresent() ? "<set>" : "<none>") + ", connectTimeout=" + connectTimeout + ", commandTimeout="
        + commandTimeout + ", poolSize=" + poolSize + "]";
  }
}
