package io.llmxds.filters.extproc;

import static io.llmxds.filters.extproc.ContextService.answer;
import static io.llmxds.filters.extproc.ContextService.chatRequest;
import static io.llmxds.filters.extproc.ContextService.question;
import static io.llmxds.filters.extproc.ContextService.turns;
import static io.llmxds.filters.testing.TestDataPath.memoryStore;
import static io.llmxds.filters.testing.TestDataPath.redisClusterStore;
import static io.llmxds.filters.testing.TestDataPath.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.llmxds.filters.context.RequestPolicy.Schema;
import io.llmxds.filters.context.SessionKey;
import io.llmxds.filters.context.SessionKeys;
import io.llmxds.filters.extproc.ServiceMetrics.Outcome;
import io.llmxds.filters.testing.LocalRedisCluster;
import io.llmxds.filters.testing.TestDataPath.Config;
import io.llmxds.filters.testing.TestDataPath.Policy;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The context service configured over ADS with a {@code redis-cluster} store on a real cluster of three masters:
 * conversations whose keys live on every master get their whole history, under v1, v2 and a v1 → v2 migration; with a
 * master killed the other masters' sessions go on with their history while the dead master's follow their policy's
 * failure mode (open: served without history; closed: the service's 503); once it is back, every session is served
 * again, without a restart of the service.
 */
class RedisClusterConversationTest {
  /** v1, failure mode open. */
  private static final String OPEN_V1 = "open-v1";
  /** v2 strict, failure mode closed. */
  private static final String CLOSED_V2 = "closed-v2";
  /** v2 with {@code v1_v2_migration} from the store's own v1 records, failure mode open. */
  private static final String MIGRATING = "migrating";
  private static final String STORE = "cluster";
  private static final int VICTIM = 1;

  private static LocalRedisCluster cluster;
  private static ContextService service;

  @BeforeAll
  static void start() throws IOException {
    cluster = LocalRedisCluster.start();
    service = new ContextService();
    Policy policy = Policy.of("cluster-context", STORE);
    service.configure(Config.of("1", List.of(memoryStore(), redisClusterStore(STORE, cluster.seeds())),
        route("open", policy.withSchema("v1"), OPEN_V1),
        route("closed", policy.withSchema("v2").withFailureMode("closed"), CLOSED_V2),
        route("migrating", policy.migratingToV2(), MIGRATING)));
  }

  @AfterAll
  static void stop() {
    service.close();
    cluster.close();
  }

  @Test
  void sessionsOnEveryMasterGetTheirWholeHistoryUnderV1AndV2() throws IOException {
    for (String model : List.of(OPEN_V1, CLOSED_V2)) {
      Schema schema = model.equals(OPEN_V1) ? Schema.V1 : Schema.V2;
      List<String> sessions = new ArrayList<>();
      for (int master = 0; master < LocalRedisCluster.MASTERS; master++) {
        sessions.addAll(sessionsOn(master, schema, 2));
      }

      talk(model, sessions, 0, 4);

      for (String session : sessions) {
        String key = key(session, schema);
        assertThat(cluster.cli(cluster.masterOf(key), "llen", key).trim())
            .as("%s: every turn on the key's master", key).isEqualTo("8");
      }
    }
  }

  @Test
  void aV1ConversationContinuesUnderV2MigratingWithItsWholeHistory() throws IOException {
    List<String> sessions = new ArrayList<>();
    for (int master = 0; master < LocalRedisCluster.MASTERS; master++) {
      sessions.addAll(sessionsOn(master, Schema.V1, 1));
    }
    talk(OPEN_V1, sessions, 0, 2);

    talk(MIGRATING, sessions, 2, 4);

    for (String session : sessions) {
      String v1 = key(session, Schema.V1);
      String v2 = key(session, Schema.V2);
      assertThat(cluster.cli(cluster.masterOf(v1), "llen", v1).trim()).as("the v1 record is left as it was")
          .isEqualTo("4");
      assertThat(cluster.cli(cluster.masterOf(v2), "llen", v2).trim()).as("migrated, then two more exchanges")
          .isEqualTo("8");
    }
    assertThat(sessions.stream().map(s -> cluster.masterOf(key(s, Schema.V2))).distinct())
        .as("v2 keys on more than one master").hasSizeGreaterThan(1);
  }

  /**
   * One kill shows both failure modes: the open route's sessions on the dead master are served without history, the
   * closed route's get the 503; every other master's session keeps its history, also once the others have flagged the
   * dead master failed. The restarted master has no data (LocalRedisCluster runs without persistence): its sessions
   * start over, from the first request it stores.
   */
  @Test
  void withAMasterKilledItsSessionsFollowTheirFailureModeTheOthersKeepTheirHistoryAndAllAreServedOnceItIsBack()
      throws Exception {
    Map<String, List<String>> lost = new LinkedHashMap<>();
    Map<String, List<String>> kept = new LinkedHashMap<>();
    for (String model : List.of(OPEN_V1, CLOSED_V2)) {
      Schema schema = model.equals(OPEN_V1) ? Schema.V1 : Schema.V2;
      lost.put(model, sessionsOn(VICTIM, schema, 2));
      kept.put(model, new ArrayList<>());
      for (int master = 0; master < LocalRedisCluster.MASTERS; master++) {
        if (master != VICTIM) {
          kept.get(model).addAll(sessionsOn(master, schema, 1));
        }
      }
      talk(model, lost.get(model), 0, 2);
      talk(model, kept.get(model), 0, 2);
    }
    double failedOpen = service.counter(ServiceMetrics.REQUESTS, "outcome", Outcome.STORE_FAILED_OPEN.tag());
    double failedClosed = service.counter(ServiceMetrics.REQUESTS, "outcome", Outcome.STORE_FAILED_CLOSED.tag());

    cluster.stop(VICTIM);
    try {
      outage(lost, kept, 2);
      await("the other masters flag the killed one failed").atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(200)).until(() -> cluster.markedFailed(VICTIM));
      outage(lost, kept, 3);
      assertThat(service.counter(ServiceMetrics.REQUESTS, "outcome", Outcome.STORE_FAILED_OPEN.tag()) - failedOpen)
          .isEqualTo(4);
      assertThat(service.counter(ServiceMetrics.REQUESTS, "outcome", Outcome.STORE_FAILED_CLOSED.tag())
          - failedClosed).isEqualTo(4);

      cluster.start(VICTIM);
    } finally {
      if (!cluster.isUp(VICTIM)) {
        cluster.start(VICTIM);
      }
    }

    // The closed route's answer shows when the store reaches the master again: it stops being a 503.
    String first = lost.get(CLOSED_V2).get(0);
    await("a session of the restarted master served").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100)).until(() -> request(CLOSED_V2, first, 4).localReply().isEmpty());
    for (String model : List.of(OPEN_V1, CLOSED_V2)) {
      for (String session : lost.get(model)) {
        assertThat(cluster.cli(VICTIM, "exists", key(session, model.equals(OPEN_V1) ? Schema.V1 : Schema.V2)).trim())
            .as("no persistence: the restarted master's data is gone").isEqualTo(session.equals(first) ? "1" : "0");
      }
      List<String> others = lost.get(model).stream().filter(s -> !s.equals(first)).toList();
      assertThat(others).allSatisfy(s -> assertThat(service.converse(model, s, 4)).as(s).isEmpty());
      talk(model, lost.get(model), 5, 7, 4);
      talk(model, kept.get(model), 4, 7);
    }
    assertThat(service.stores.opened()).as("the cluster store was opened once: no restart")
        .filteredOn(s -> s.spec().name().equals(STORE)).hasSize(1);
  }

  /**
   * Request {@code turn} of each session during the outage: the kept ones get their whole history; the open route's
   * lost ones are served with none (and their exchange is not stored); the closed route's lost ones get the 503.
   */
  private static void outage(Map<String, List<String>> lost, Map<String, List<String>> kept, int turn) {
    talk(OPEN_V1, kept.get(OPEN_V1), turn, turn + 1);
    talk(CLOSED_V2, kept.get(CLOSED_V2), turn, turn + 1);
    for (String session : lost.get(OPEN_V1)) {
      assertThat(service.converse(OPEN_V1, session, turn)).as("%s on the dead master, failure mode open", session)
          .isEmpty();
    }
    for (String session : lost.get(CLOSED_V2)) {
      FakeEnvoy.Answers answers = request(CLOSED_V2, session, turn);
      assertThat(answers.forwarded()).as("nothing reaches the upstream").isNull();
      assertThat(answers.localReply()).as("%s on the dead master, failure mode closed", session)
          .contains(new FakeEnvoy.LocalReply(503, Map.of("content-type", "application/json"),
              "{\"error\":{\"message\":\"conversation context unavailable\",\"type\":\"context_unavailable\"}}",
              "context_unavailable"));
    }
  }

  /** Requests {@code from} until {@code to} of every session, round-robin; each gets all its turns since 0. */
  private static void talk(String model, List<String> sessions, int from, int to) {
    talk(model, sessions, from, to, 0);
  }

  /** … each gets all its turns since {@code since}. */
  private static void talk(String model, List<String> sessions, int from, int to, int since) {
    for (int i = from; i < to; i++) {
      for (String session : sessions) {
        assertThat(service.converse(model, session, i)).as("%s request %d on %s", session, i, model)
            .isEqualTo(turns(session, since, i));
      }
    }
  }

  private static FakeEnvoy.Answers request(String model, String session, int i) {
    return service.chat(session, chatRequest(model, null, question(session, i)), answer(session, i));
  }

  /** {@code count} fresh session ids whose {@code schema} key is on {@code master}. */
  private static List<String> sessionsOn(int master, Schema schema, int count) {
    List<String> sessions = new ArrayList<>();
    while (sessions.size() < count) {
      String session = "s-" + UUID.randomUUID();
      if (cluster.masterOf(key(session, schema)) == master) {
        sessions.add(session);
      }
    }
    return sessions;
  }

  private static String key(String session, Schema schema) {
    return SessionKeys.storeKey(new SessionKey(session, Optional.empty()), schema);
  }
}
