package io.llmxds.filters.testing;

import io.llmxds.filters.store.StoreSpec;
import io.llmxds.filters.store.StoreSpec.Address;
import io.llmxds.filters.store.StoreSpec.Type;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@link StoreSpec}s for tests: a builder with the defaults a test changes one or two of. */
public final class StoreSpecs {

  private String name = "test";
  private final Type type;
  private final List<Address> addresses;
  private int database;
  private Optional<StoreSpec.Tls> tls = Optional.empty();
  private Optional<String> username = Optional.empty();
  private Optional<String> password = Optional.empty();
  private Duration connectTimeout = Duration.ofSeconds(2);
  // Generous: these stores carry load tests on a noisy 2-core machine; outage tests set their own.
  private Duration commandTimeout = Duration.ofSeconds(2);
  private int poolSize = 1;

  private StoreSpecs(Type type, List<Address> addresses) {
    this.type = type;
    this.addresses = addresses;
  }

  public static StoreSpecs redis(Address address) {
    return new StoreSpecs(Type.REDIS, List.of(address));
  }

  public static StoreSpecs cluster(List<Address> seeds) {
    return new StoreSpecs(Type.REDIS_CLUSTER, seeds);
  }

  public static StoreSpecs memory() {
    return new StoreSpecs(Type.MEMORY, List.of());
  }

  public StoreSpecs name(String name) { this.name = name; return this; }

  public StoreSpecs database(int database) { this.database = database; return this; }

  /** TLS with SNI {@code sni}, trusting {@code caPem} (empty: the JVM's trust store). */
  public StoreSpecs tls(String sni, Optional<String> caPem) {
    this.tls = Optional.of(new StoreSpec.Tls(sni, caPem));
    return this;
  }

  /** TLS to a {@link LocalRedis} certificate: SNI {@code redis.test}, trusting the test CA. */
  public StoreSpecs testTls() {
    return tls(LocalRedis.TLS_SERVER_NAME, Optional.of(LocalRedis.testCaPem()));
  }

  public StoreSpecs user(String username, String password) {
    this.username = Optional.of(username);
    this.password = Optional.of(password);
    return this;
  }

  public StoreSpecs password(String password) {
    this.password = Optional.of(password);
    return this;
  }

  public StoreSpecs connectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; return this; }

  public StoreSpecs commandTimeout(Duration commandTimeout) { this.commandTimeout = commandTimeout; return this; }

  public StoreSpecs poolSize(int poolSize) { this.poolSize = poolSize; return this; }

  public StoreSpec build() {
    return new StoreSpec(name, type, addresses, database, tls, username, password, connectTimeout, commandTimeout,
        poolSize);
  }
}
