package io.llmxds.examples.scenarios;

import static io.llmxds.examples.mockllm.MockLlmClient.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmxds.cp.observe.SpanAttributes;
import io.llmxds.cp.testing.AdsTestClient;
import io.llmxds.cp.testing.LiveControlPlane;
import io.llmxds.filters.context.ContextSpanAttributes;
import io.llmxds.filters.testing.LocalRedis;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/scenarios/context-migration, the seed's third scenario: conversations live in Redis A under schema v1; one
 * policy save moves them to schema v2 in Redis B, migrating from A. Two real redis-servers, the real control plane
 * and context service; the test plays Envoy ({@link PushedConfigRouter}: the ext_proc stream opens on the catch-all
 * route, the model is only in the body) and the requests reach the real mock.
 */
class ContextMigrationScenarioTest {
  private static final String STEP = "01-v2-on-redis-b";
  private static final String TYPO = "02-store-typo";
  private static final String FIX = "03-fix-the-port";
  private static final String REDIS_A = "127.0.0.1:6390";
  private static final String REDIS_B = "127.0.0.1:6391";
  private static final String SERVICE_NODE = "context-service-test";
  private static final Pattern RECEIVED = Pattern.compile("^\\[mock-[ab]] received (\\d+) messages?;");

  @TempDir Path tmp;

  @Test
  void aSessionMovesFromRedisAToRedisBWithItsWholeHistory() throws Exception {
    try (ScenarioStack stack = ScenarioStack.start("context-migration", tmp)) {
      Conversation conversation = new Conversation(router(stack, "envoy-1"));
      String v1 = stack.configVersion();
      assertThat(conversation.say("My name is Alice.")).isEqualTo(1);
      assertThat(conversation.say("What is my name?")).isEqualTo(3);
      assertThat(writes(stack, v1)).extracting(s -> attr(s, ContextSpanAttributes.STORE))
          .containsOnly("redis-a").hasSize(2);
      long aWrites = calls(stack.redis(REDIS_A), "eval");

      assertThat(stack.steps()).containsExactly(STEP, TYPO, FIX);
      stack.apply(STEP);
      stack.awaitContextService();
      String v2 = stack.configVersion();

      assertThat(conversation.say("And what did I ask you first?")).as("the whole history, from A").isEqualTo(5);
      SpanData read = only(spans(stack, "context.read", v2));
      assertThat(attr(read, ContextSpanAttributes.STORE)).as("served from the old record").isEqualTo("redis-a");
      assertThat(attr(read, ContextSpanAttributes.SCHEMA)).isEqualTo("v1");
      SpanData migrate = only(spans(stack, "context.migrate", v2));
      assertThat(attr(migrate, ContextSpanAttributes.STORE)).isEqualTo("redis-b");
      assertThat(attr(migrate, ContextSpanAttributes.MIGRATED_FROM_STORE)).isEqualTo("redis-a");
      assertThat(attr(migrate, ContextSpanAttributes.MIGRATED_FROM_SCHEMA)).isEqualTo("v1");
      assertThat(migrate.getTraceId()).as("one request's trace").isEqualTo(read.getTraceId());
      assertThat(conversation.say("Thanks.")).as("read from the v2 record in B").isEqualTo(7);
      assertThat(writes(stack, v2)).extracting(s -> attr(s, ContextSpanAttributes.STORE) + " "
          + attr(s, ContextSpanAttributes.SCHEMA)).containsOnly("redis-b v2");

      assertThat(calls(stack.redis(REDIS_A), "eval")).as("A is read, never written").isEqualTo(aWrites);
      assertThat(keys(stack.redis(REDIS_A), "v1")).isEqualTo(1);
      assertThat(keys(stack.redis(REDIS_A), "v2")).isZero();
      assertThat(keys(stack.redis(REDIS_B), "v2")).isEqualTo(1);
      assertThat(keys(stack.redis(REDIS_B), "v1")).isZero();

      // The operator's trace: the reload with the persistence change, and the service's ACK of the push in it.
      SpanData reload = stack.live().telemetry().spans(SpanAttributes.RELOAD_SPAN).stream()
          .filter(s -> v2.equals(s.getAttributes().get(SpanAttributes.CONFIG_VERSION))).findFirst().orElseThrow();
      assertThat(reload.getAttributes().get(SpanAttributes.CHANGES))
          .contains("ContextPolicy/default", "store redis-a→redis-b", "schema v1→v2");
      assertThat(stack.live().telemetry().spans(SpanAttributes.PUSH_SPAN))
          .filteredOn(s -> s.getTraceId().equals(reload.getTraceId()))
          .filteredOn(s -> SERVICE_NODE.equals(s.getAttributes().get(SpanAttributes.NODE_ID)))
          .isNotEmpty()
          .allSatisfy(s -> assertThat(s.getAttributes().get(SpanAttributes.OUTCOME)).isEqualTo("ack"));
    }
  }

  /**
   * Step 02 saves Redis B's port wrong: the policy is valid and pushed, the service cannot connect, NACKs with the
   * reason and keeps serving from the B it has; status and the push span say so. Step 03 puts the port back.
   */
  @Test
  void aStoreTheServiceCannotReachIsNackedAndTheStoreItHasKeepsServing() throws Exception {
    try (ScenarioStack stack = ScenarioStack.start("context-migration", tmp)) {
      Conversation conversation = new Conversation(router(stack, "envoy-1"));
      stack.apply(STEP);
      stack.awaitContextService();
      String v2 = stack.configVersion();
      assertThat(conversation.say("Hello.")).isEqualTo(1);

      stack.apply(TYPO);
      String reason = "ContextStore/redis-b: redis://127.0.0.1:6931/0: connection refused";
      await().atMost(LiveControlPlane.PATIENCE).untilAsserted(() -> assertThat(
          stack.nodeStatus(SERVICE_NODE, AdsTestClient.CDS).path("state").asText()).isEqualTo("NACKED"));
      assertThat(stack.nodeStatus(SERVICE_NODE, AdsTestClient.CDS).path("error").asText()).contains(reason);
      assertThat(stack.statusCommand(1)).contains(SERVICE_NODE).contains("NACKED");
      SpanData nacked = stack.live().telemetry().spans(SpanAttributes.PUSH_SPAN).stream()
          .filter(s -> SERVICE_NODE.equals(s.getAttributes().get(SpanAttributes.NODE_ID)))
          .filter(s -> "nack".equals(s.getAttributes().get(SpanAttributes.OUTCOME)))
          .findFirst().orElseThrow();
      assertThat(nacked.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(nacked.getAttributes().get(SpanAttributes.ERROR_MESSAGE)).contains(reason);

      assertThat(conversation.say("Still there?")).as("served from the B it has").isEqualTo(3);
      assertThat(writes(stack, v2)).extracting(s -> attr(s, ContextSpanAttributes.STORE)).containsOnly("redis-b");
      assertThat(keys(stack.redis(REDIS_B), "v2")).isEqualTo(1);

      stack.apply(FIX);
      await().atMost(LiveControlPlane.PATIENCE).untilAsserted(() -> assertThat(
          stack.nodeStatus(SERVICE_NODE, AdsTestClient.CDS).path("state").asText()).isEqualTo("SYNCED"));
      stack.awaitContextService();
      assertThat(stack.statusCommand(0)).doesNotContain("NACK");
      assertThat(conversation.say("Good.")).isEqualTo(5);
    }
  }

  /**
   * 200 sessions talk concurrently while the store moves: none fails, each request gets its session's whole history,
   * every request under the new config writes B only, and A's writes are exactly those of the requests under the
   * old config.
   */
  @Test
  void twoHundredSessionsKeepTalkingThroughTheSwitch() throws Exception {
    int sessions = 200;
    int nodes = 16;
    try (ScenarioStack stack = ScenarioStack.start("context-migration", tmp)) {
      LocalRedis a = stack.redis(REDIS_A);
      long aWritesAtStart = calls(a, "eval");
      String v1 = stack.configVersion();
      BlockingQueue<PushedConfigRouter> routers = new ArrayBlockingQueue<>(nodes);
      for (int i = 0; i < nodes; i++) {
        routers.add(router(stack, "envoy-" + i));
      }
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < sessions; i++) {
        ids.add("s-" + i + "-" + UUID.randomUUID());
      }
      Queue<String> failed = new ConcurrentLinkedQueue<>();
      AtomicInteger done = new AtomicInteger();
      CountDownLatch switched = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(sessions); // a thread per session; 16 Envoy nodes
      try {
        // Turn 0 of every session under v1; then turns 1–8, the switch landing while they run. A session that gets
        // to turn 5 before the switch waits for it, so every session talks on both sides of it.
        run(pool, ids, id -> talk(routers, id, 0, failed));
        List<Future<?>> running = new ArrayList<>();
        for (String id : ids) {
          running.add(pool.submit(() -> {
            for (int turn = 1; turn <= 8; turn++) {
              if (turn == 5) {
                switched.await(LiveControlPlane.PATIENCE.toSeconds(), TimeUnit.SECONDS);
              }
              talk(routers, id, turn, failed);
              done.incrementAndGet();
            }
            return null;
          }));
        }
        await().atMost(LiveControlPlane.PATIENCE).until(() -> done.get() >= sessions); // the round is under way
        stack.apply(STEP);
        stack.awaitContextService();
        switched.countDown();
        for (Future<?> f : running) {
          f.get();
        }
      } finally {
        pool.shutdown();
        routers.forEach(PushedConfigRouter::close);
      }
      String v2 = stack.configVersion();

      assertThat(failed).as("failed requests").isEmpty();
      assertThat(writes(stack, v2)).as("every write under the new config").isNotEmpty()
          .allSatisfy(s -> assertThat(attr(s, ContextSpanAttributes.STORE)).isEqualTo("redis-b"));
      long aWritesUnderV1 = writes(stack, v1).stream()
          .filter(s -> "redis-a".equals(attr(s, ContextSpanAttributes.STORE))).count();
      assertThat(aWritesUnderV1).as("more than turn 0 ran under the old config").isGreaterThan(sessions);
      assertThat(calls(a, "eval") - aWritesAtStart).as("A's writes: those of requests under the old config")
          .isEqualTo(aWritesUnderV1);
      assertThat(keys(a, "v2")).isZero();
      assertThat(keys(stack.redis(REDIS_B), "v2")).as("every session's v2 record in B").isEqualTo(sessions);
    }
  }

  /** One request of session {@code id}: the reply must show the session's whole history (2 messages a turn). */
  private static void talk(BlockingQueue<PushedConfigRouter> routers, String id, int turn, Queue<String> failed)
      throws InterruptedException {
    PushedConfigRouter router = routers.take();
    try {
      ObjectNode body = JSON.createObjectNode().put("model", "chat");
      body.putArray("messages").addObject().put("role", "user").put("content", id + " turn " + turn);
      // The scenario has no rate limit: on its anonymous gateway 200 sessions would share one bucket.
      PushedConfigRouter.Served served = router.send(PushedConfigRouter.Request.chat(body.toString(),
          "x-session-id", id, "x-user-id", "alice"));
      if (served.status() != 200 || received(served) != 2 * turn + 1) {
        failed.add(id + " turn " + turn + ": HTTP " + served.status() + ", " + served.body());
      }
    } finally {
      routers.put(router);
    }
  }

  private interface SessionTask {
    void run(String id) throws Exception;
  }

  private static void run(ExecutorService pool, List<String> ids, SessionTask task) throws Exception {
    List<Future<?>> futures = new ArrayList<>();
    for (String id : ids) {
      futures.add(pool.submit(() -> {
        task.run(id);
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
  }

  /** A node of its own, synced, with all traffic to the weighted pick's first cluster (mock-a). */
  private static PushedConfigRouter router(ScenarioStack stack, String nodeId) {
    return new PushedConfigRouter(stack.connectEnvoy(nodeId), new FixedPick());
  }

  /** How many messages the mock says reached it. */
  private static int received(PushedConfigRouter.Served served) {
    try {
      String text = JSON.readTree(served.body()).path("choices").path(0).path("message").path("content").asText();
      Matcher m = RECEIVED.matcher(text);
      return m.find() ? Integer.parseInt(m.group(1)) : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  private static List<SpanData> spans(ScenarioStack stack, String name, String configVersion) {
    return stack.contextTelemetry().spans(name).stream()
        .filter(s -> configVersion.equals(attr(s, ContextSpanAttributes.CONFIG_VERSION))).toList();
  }

  private static List<SpanData> writes(ScenarioStack stack, String configVersion) {
    return spans(stack, "context.write", configVersion);
  }

  private static SpanData only(List<SpanData> spans) {
    assertThat(spans).hasSize(1);
    return spans.get(0);
  }

  private static String attr(SpanData span, AttributeKey<String> key) {
    return span.getAttributes().get(key);
  }

  /** How many times {@code redis} ran {@code command} ({@code INFO commandstats}); the store writes with EVAL. */
  private static long calls(LocalRedis redis, String command) throws IOException {
    Matcher m = Pattern.compile("(?m)^cmdstat_" + command + ":calls=(\\d+)").matcher(redis.cli("info", "commandstats"));
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  /** How many conversation records of {@code schema} {@code redis} holds. */
  private static long keys(LocalRedis redis, String schema) throws IOException {
    return redis.cli("--scan", "--pattern", "llmxds:ctx:" + schema + ":*").lines().filter(l -> !l.isBlank()).count();
  }

  /** One session's requests, each sending only its new user message, as a client would. */
  private static final class Conversation {
    private final PushedConfigRouter router;
    private final String session = "s-" + UUID.randomUUID();

    Conversation(PushedConfigRouter router) {
      this.router = router;
    }

    /** Sends one user message; returns how many messages reached the model. */
    int say(String text) {
      ObjectNode body = JSON.createObjectNode().put("model", "chat");
      body.putArray("messages").addObject().put("role", "user").put("content", text);
      PushedConfigRouter.Served served = router.send(PushedConfigRouter.Request.chat(body.toString(),
          "x-session-id", session, "x-user-id", "alice"));
      assertThat(served.status()).as(served.body()).isEqualTo(200);
      assertThat(served.firstMatch().getName()).as("a body-only request").isEqualTo("unknown-model");
      assertThat(served.route().getName()).as("re-picked by the body's model").isEqualTo("chat");
      return received(served);
    }
  }

  /** Always the lowest stream id: the first cluster of a weighted pick (mock-a at weight 90 here). */
  private static final class FixedPick extends Random {
    @Override
    public long nextLong() {
      return 0;
    }
  }
}
