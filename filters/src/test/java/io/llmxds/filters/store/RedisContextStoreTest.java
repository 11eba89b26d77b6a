package io.llmxds.filters.store;

import io.llmxds.filters.testing.ConcurrentSessions;
import io.llmxds.filters.testing.StoreSpecs;
import io.llmxds.filters.testing.TestStores;
import org.junit.jupiter.api.Test;

/** The Redis store under load, on a pool of connections, against a real redis-server. */
class RedisContextStoreTest {

  @Test
  void twoHundredConcurrentSessionsOfTenTurnsEachKeepExactlyTheirTurnsInOrder() throws Exception {
    try (ContextStore pooled = TestStores.FACTORY.open(StoreSpecs.redis(TestStores.sharedRedis().address()).poolSize(4)
        .build())) {
      ConcurrentSessions.writeAndCheck(pooled, 200, 10, 16);
    }
  }
}
