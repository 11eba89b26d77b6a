package io.llmxds.filters.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.llmxds.filters.ratelimit.SimulatedEnvoy.Caller;
import io.llmxds.filters.testing.LocalRedis;
import io.llmxds.filters.testing.LocalRedisCluster;
import io.llmxds.filters.testing.TestDataPath;
import io.llmxds.filters.testing.TestLimits;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * One consumer's 1,000 requests through 4 Envoys at once (4 gRPC channels of their own), against 100 per minute in
 * one shared Redis: exactly 100 are admitted — on a standalone Redis and on a 3-master Redis Cluster.
 */
class ExactGlobalEnforcementTest {
  static final String LIMITS = "{" + TestLimits.limit("per-consumer", "counters", "chat",
      "[{'kind': 'all', 'rules': [{'kind': 'rate', 'unit': 'requests', 'amount': 100, 'window': 60, "
          + "'bucket': 'consumer'}]}]", "") + "}";
  private static final int ENVOYS = 4;
  private static final int REQUESTS = 1000;

  @Test
  void aStandaloneRedisAdmitsExactlyTheLimit() throws Exception {
    try (LocalRedis redis = LocalRedis.start(); RateLimitHarness service = new RateLimitHarness()) {
      assertExactlyTheLimit(service, TestDataPath.redisStore("counters", redis.uri()));
    }
  }

  @Test
  void aRedisClusterAdmitsExactlyTheLimitWithEveryCounterOfTheBucketOnOneMaster() throws Exception {
    try (LocalRedisCluster cluster = LocalRedisCluster.start(); RateLimitHarness service = new RateLimitHarness()) {
      assertExactlyTheLimit(service, TestDataPath.redisClusterStore("counters", cluster.seeds()));
      Set<String> keys = new HashSet<>();
      for (int master = 0; master < LocalRedisCluster.MASTERS; master++) {
        keys.addAll(cluster.cli(master, "--scan", "--pattern", CounterKeys.PREFIX + "*").lines().toList());
      }
      long window = RateLimitHarness.START.getEpochSecond() / 60;
      assertThat(keys).containsExactlyInAnyOrder("llmxds:rl:{per-consumer|all|c=team-a}:requests:60s:" + window,
          "llmxds:rl:{per-consumer|all|c=team-b}:requests:60s:" + window);
    }
  }

  private static void assertExactlyTheLimit(RateLimitHarness service, Cluster store) throws Exception {
    service.configure(RateLimitHarness.config("1", store, LIMITS));
    List<SimulatedEnvoy> envoys = new ArrayList<>();
    ExecutorService load = Executors.newFixedThreadPool(ENVOYS * 4);
    try {
      for (int i = 0; i < ENVOYS; i++) {
        envoys.add(service.envoy());
      }
      AtomicInteger ok = new AtomicInteger();
      AtomicInteger over = new AtomicInteger();
      List<Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        SimulatedEnvoy envoy = envoys.get(i % ENVOYS);
        sent.add(load.submit(() -> {
          RateLimitResponse answer = envoy.request(new Caller("team-a", "gold"), "chat", "per-consumer");
          (answer.getOverallCode() == RateLimitResponse.Code.OK ? ok : over).incrementAndGet();
        }));
      }
      for (Future<?> f : sent) {
        f.get();
      }
      assertThat(ok).hasValue(100);
      assertThat(over).hasValue(REQUESTS - 100);
      assertThat(service.counter(LimitTelemetry.DECISIONS, "route", "chat", "tier", "gold", "decision", "ok"))
          .isEqualTo(100);
      assertThat(service.counter(LimitTelemetry.DECISIONS, "route", "chat", "tier", "gold", "decision",
          "over_limit")).isEqualTo(REQUESTS - 100);
      // Another consumer has a bucket of its own.
      assertThat(envoys.get(0).request(new Caller("team-b", "gold"), "chat", "per-consumer").getOverallCode())
          .isEqualTo(RateLimitResponse.Code.OK);
    } finally {
      load.shutdownNow();
      envoys.forEach(SimulatedEnvoy::close);
    }
  }
}
