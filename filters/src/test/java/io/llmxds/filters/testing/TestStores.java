package io.llmxds.filters.testing;

import io.llmxds.filters.store.ContextStore;
import io.llmxds.filters.store.InMemoryContextStore;
import io.llmxds.filters.store.RedisContextStore;
import io.llmxds.filters.store.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;

/**
 * Stores shared by the tests of one JVM: a memory store and a store on one {@link LocalRedis}, each started once (the
 * server stops with the JVM). Tests keep apart by using keys of their own (fresh session ids).
 */
public final class TestStores {

  private static LocalRedis redis;
  private static ContextStore memoryStore;
  private static ContextStore redisStore;

  private TestStores() {}

  /** The JVM's shared redis-server (started on first use). */
  public static synchronized LocalRedis sharedRedis() {
    if (redis == null) {
      try {
        redis = LocalRedis.start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return redis;
  }

  /** A memory store (default size) shared by the run. */
  public static synchronized ContextStore memoryStore() {
    if (memoryStore == null) {
      memoryStore = new InMemoryContextStore(InMemoryContextStore.DEFAULT_MAX_CHARS);
    }
    return memoryStore;
  }

  /** A store on {@link #sharedRedis()}, shared by the run. */
  public static synchronized ContextStore redisStore() {
    if (redisStore == null) {
      try {
        // Generous: these stores carry load tests on a noisy 2-core machine; the outage test checks the default.
        redisStore = RedisContextStore.connect(sharedRedis().uri(), Duration.ofSeconds(2));
      } catch (StoreException e) {
        throw new IllegalStateException(e);
      }
    }
    return redisStore;
  }

  /** Both stores, named {@code memory} and {@code redis} (as policies name them), for parameterized tests. */
  public static Stream<Named<ContextStore>> both() {
    return Stream.of(Named.of("memory", memoryStore()), Named.of("redis", redisStore()));
  }
}
