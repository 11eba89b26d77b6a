package io.llmxds.filters.testing;

import io.llmxds.filters.store.ContextStore;
import io.llmxds.filters.store.ContextStores;
import io.llmxds.filters.store.InMemoryContextStore;
import io.llmxds.filters.store.StoreException;
import io.llmxds.filters.store.StoreSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;

/**
 * Stores shared by the tests of one JVM: a memory store, a store on one {@link LocalRedis} and one on a
 * {@link LocalRedisCluster}, each started once (the servers stop with the JVM). Tests keep apart by using keys of
 * their own (fresh session ids).
 */
public final class TestStores {

  /** The factory the service uses, with the memory store's default bound. */
  public static final ContextStores FACTORY = new ContextStores(InMemoryContextStore.DEFAULT_MAX_CHARS);

  private static LocalRedis redis;
  private static LocalRedisCluster cluster;
  private static ContextStore memoryStore;
  private static ContextStore redisStore;
  private static ContextStore clusterStore;

  private TestStores() {}

  /** The JVM's shared redis-server (started on first use). */
  public static synchronized LocalRedis sharedRedis() {
    if (redis == null) {
      redis = started(() -> LocalRedis.start());
    }
    return redis;
  }

  /** The JVM's shared Redis Cluster (started on first use); tests must not stop its masters. */
  public static synchronized LocalRedisCluster sharedCluster() {
    if (cluster == null) {
      cluster = started(LocalRedisCluster::start);
      Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
    }
    return cluster;
  }

  private interface Start<T> {
    T start() throws IOException;
  }

  private static <T> T started(Start<T> server) {
    try {
      return server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A memory store (default size) shared by the run. */
  public static synchronized ContextStore memoryStore() {
    if (memoryStore == null) {
      memoryStore = open(StoreSpecs.memory().name("memory").build());
    }
    return memoryStore;
  }

  /** A store on {@link #sharedRedis()}, shared by the run. */
  public static synchronized ContextStore redisStore() {
    if (redisStore == null) {
      redisStore = open(StoreSpecs.redis(sharedRedis().address()).name("redis").build());
    }
    return redisStore;
  }

  /** A store on {@link #sharedCluster()}, shared by the run. */
  public static synchronized ContextStore clusterStore() {
    if (clusterStore == null) {
      clusterStore = open(StoreSpecs.cluster(sharedCluster().seeds()).name("redis-cluster").build());
    }
    return clusterStore;
  }

  private static ContextStore open(StoreSpec spec) {
    try {
      return FACTORY.open(spec);
    } catch (StoreException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The memory and the Redis store, named {@code memory} and {@code redis} (as policies name them). */
  public static Stream<Named<ContextStore>> both() {
    return Stream.of(Named.of("memory", memoryStore()), Named.of("redis", redisStore()));
  }

  /** Every type of store: {@code memory}, {@code redis}, {@code redis-cluster}, for parameterized tests. */
  public static Stream<Named<ContextStore>> each() {
    return Stream.concat(both(), Stream.of(Named.of("redis-cluster", clusterStore())));
  }
}
