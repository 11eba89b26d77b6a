package io.llmxds.filters.extproc;

import static io.llmxds.filters.testing.TestDataPath.memoryStore;
import static io.llmxds.filters.testing.TestDataPath.redisStore;
import static io.llmxds.filters.testing.TestDataPath.routeMatching;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.llmxds.filters.testing.LocalRedis;
import io.llmxds.filters.testing.TestDataPath.Config;
import io.llmxds.filters.testing.TestDataPath.Consumer;
import io.llmxds.filters.testing.TestDataPath.Policy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sessions belong to a consumer (docs/context-protocol.md "Sessions per consumer"): the same session id under
 * another consumer is another conversation, on the memory store and on Redis, and under v1_v2_migration the old
 * record is looked up under the consumer too.
 */
class ConsumerSessionsTest {
  private static final Consumer A = Consumer.of("a", "key-a");
  private static final Consumer B = Consumer.of("b", "key-b");

  private static Config config(String version, Policy policy, Cluster... stores) {
    List<Cluster> clusters = new ArrayList<>(List.of(memoryStore()));
    clusters.addAll(List.of(stores));
    return Config.of(version, clusters, routeMatching("chat", policy, ".+"));
  }

  @Test
  void onTheMemoryStoreConsumerBWithAsSessionIdGetsNoneOfAsHistory() {
    try (ContextService service = new ContextService()) {
      service.configure(config("1", Policy.of("p", "memory")).withConsumers(A, B));
      assertSessionsPerConsumer(service);
    }
  }

  @Test
  void onRedisConsumerBWithAsSessionIdGetsNoneOfAsHistory() throws Exception {
    try (LocalRedis redis = LocalRedis.start();
         ContextService service = new ContextService()) {
      service.configure(config("1", Policy.of("p", "redis"), redisStore("redis", redis.uri())).withConsumers(A, B));
      assertSessionsPerConsumer(service);
    }
  }

  private static void assertSessionsPerConsumer(ContextService service) {
    assertThat(service.converseWithKey("key-a", "m", "s1", 0)).isEmpty();
    assertThat(service.converseWithKey("key-a", "m", "s1", 1)).isEqualTo(ContextService.turns("s1", 0, 1));

    assertThat(service.converseWithKey("key-b", "m", "s1", 5)).as("b's s1 is another conversation").isEmpty();

    assertThat(service.converseWithKey("key-a", "m", "s1", 2)).as("a keeps its own, without b's")
        .isEqualTo(ContextService.turns("s1", 0, 2));
    assertThat(service.converseWithKey("key-b", "m", "s1", 6)).isEqualTo(ContextService.turns("s1", 5, 6));
  }

  @Test
  void migrationReadsTheOldRecordOfTheSameConsumerAndRecordsOfTheAnonymousGatewayStayBehind() throws Exception {
    try (LocalRedis redis = LocalRedis.start();
         ContextService service = new ContextService()) {
      Cluster store = redisStore("redis", redis.uri());
      service.configure(config("anon", Policy.of("p", "redis"), store));
      service.converse("m", "s1", 0);

      service.configure(config("1", Policy.of("p", "redis"), store).withConsumers(A, B));
      assertThat(service.converseWithKey("key-a", "m", "s1", 1))
          .as("written before consumers existed: not a's").isEmpty();

      service.configure(config("2", Policy.of("p", "redis").migratingToV2(), store).withConsumers(A, B));
      assertThat(service.converseWithKey("key-b", "m", "s1", 7)).as("a's v1 record is not b's").isEmpty();
      assertThat(service.converseWithKey("key-a", "m", "s1", 2)).as("a's v1 record, migrated")
          .isEqualTo(ContextService.turns("s1", 1, 2));
      assertThat(service.counter("llm_xds.context.migrations", "store", "redis")).isEqualTo(1);
    }
  }
}
