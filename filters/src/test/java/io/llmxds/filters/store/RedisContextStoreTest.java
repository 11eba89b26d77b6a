package io.llmxds.filters.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmxds.filters.testing.ConcurrentSessions;
import io.llmxds.filters.testing.LocalRedis;
import io.llmxds.filters.testing.StoreSpecs;
import io.llmxds.filters.testing.TestStores;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Redis store under load, and opened from a URI (the service's {@code --redis}), against a real redis-server. */
class RedisContextStoreTest {

  private static final Duration HOUR = Duration.ofHours(1);

  @Test
  void twoHundredConcurrentSessionsOfTenTurnsEachKeepExactlyTheirTurnsInOrder() throws Exception {
    try (ContextStore pooled = TestStores.FACTORY.open(StoreSpecs.redis(TestStores.sharedRedis().address()).poolSize(4)
        .build())) {
      ConcurrentSessions.writeAndCheck(pooled, 200, 10, 16);
    }
  }

  @Test
  void connectingToNothingFailsWithAStoreException() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }

    assertThatThrownBy(() -> RedisContextStore.connect("redis://127.0.0.1:" + closedPort, Duration.ofMillis(250)))
        .isInstanceOf(StoreException.class)
        .hasMessage("redis unreachable: ContextStore/redis: redis://127.0.0.1:" + closedPort + "/0: connection refused");
  }

  @Test
  void aUriWithAPasswordAuthenticatesAndAWrongOneIsNotEchoed() throws Exception {
    try (LocalRedis redis = LocalRedis.start("--requirepass", "uri-pa55")) {
      String uri = "redis://:uri-pa55@127.0.0.1:" + redis.port() + "/2";
      try (RedisContextStore store = RedisContextStore.connect(uri, Duration.ofSeconds(1))) {
        store.append("llmxds:ctx:uri", List.of("a"), 10, HOUR);
      }
      assertThat(redis.cli("-a", "uri-pa55", "-n", "2", "lrange", "llmxds:ctx:uri", "0", "-1").trim()).isEqualTo("a");
      assertThatThrownBy(() -> RedisContextStore.connect("redis://:n0t-it@127.0.0.1:" + redis.port(), Duration.ofSeconds(1)))
          .hasMessageEndingWith(": authentication failed (WRONGPASS)")
          .hasMessageNotContaining("n0t-it");
    }
  }

  @Test
  void aMalformedUriIsAStoreExceptionThatDoesNotEchoIt() {
    assertThatThrownBy(() -> RedisContextStore.connect("http://user:hunter2@host", Duration.ofMillis(250)))
        .isInstanceOf(StoreException.class)
        .hasMessageNotContaining("hunter2");
  }
}
