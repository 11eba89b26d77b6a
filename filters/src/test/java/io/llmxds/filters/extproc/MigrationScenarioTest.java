package io.llmxds.filters.extproc;

import static io.llmxds.filters.extproc.ContextService.chatHeaders;
import static io.llmxds.filters.extproc.ContextService.chatRequest;
import static io.llmxds.filters.extproc.ContextService.jsonAnswer;
import static io.llmxds.filters.extproc.ContextService.jsonResponseHeaders;
import static io.llmxds.filters.extproc.ContextService.messages;
import static io.llmxds.filters.testing.TestPolicies.examplePolicy;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.llmxds.filters.context.ContextSpanAttributes;
import io.llmxds.filters.store.ContextStore;
import io.llmxds.filters.testing.TestDataPath;
import io.llmxds.filters.testing.TestStores;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seed scenario 3: a conversation written under a v1 policy; the route's policy becomes v2 with
 * {@code v1_v2_migration}; the next request gets its whole history, migrated on read, inside the request's trace.
 */
class MigrationScenarioTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT_SPAN_ID = "00f067aa0ba902b7";

  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis"})
  void historyWrittenUnderV1IsMigratedOnReadAndNoTurnIsLost(String storeName) throws Exception {
    try (ContextService service = new ContextService()) {
      Cluster[] stores = storeName.equals("redis")
          ? new Cluster[] {TestDataPath.redisStore("redis", TestStores.sharedRedis().uri())} : new Cluster[0];
      TestDataPath.Policy v1 = examplePolicy().withStore(storeName);
      service.configure("1", v1, stores);
      String session = "s-" + UUID.randomUUID();
      service.chat(session, chatRequest("m", "sys", "q1"), "a1");
      service.chat(session, chatRequest("m", "sys", "q2"), "a2");
      service.configure("2", v1.migratingToV2().withVersion("0123456789abcdef"), stores);
      service.spans.reset();

      String next = chatRequest("m", "sys", "q3");
      // H5: Envoy's span for the ext_proc stream rides in the stream's initial metadata.
      FakeEnvoy.Answers answers = service.envoy.exchange(new FakeEnvoy.Http(
          Map.of("traceparent", "00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01"), chatHeaders(session), next,
          jsonResponseHeaders(), List.of(jsonAnswer("m", "a3", 1, 1))));

      assertThat(messages(answers.upstreamBody(next))).containsExactly(
          "system:sys", "user:q1", "assistant:a1", "user:q2", "assistant:a2", "user:q3");
      List<SpanData> spans = service.spans.getFinishedSpanItems();
      assertThat(spans).extracting(SpanData::getName)
          .contains("context.inject", "context.read", "context.migrate", "context.write");
      assertThat(spans).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(TRACE_ID));
      SpanData inject = spans.stream().filter(s -> s.getName().equals("context.inject")).findFirst().orElseThrow();
      assertThat(inject.getParentSpanId()).isEqualTo(PARENT_SPAN_ID);
      assertThat(inject.getAttributes().get(ContextSpanAttributes.SCHEMA)).isEqualTo("v2");
      assertThat(inject.getAttributes().get(ContextSpanAttributes.POLICY_VERSION)).isEqualTo("0123456789abcdef");
      assertThat(inject.getAttributes().get(ContextSpanAttributes.TURNS)).isEqualTo(4L);
      assertThat(inject.getAttributes().get(ContextSpanAttributes.SESSION)).hasSize(16).doesNotContain(session);
      // The v2 record holds the migrated turns and the new exchange; the v1 record is left for a rollback.
      ContextStore store = service.store(storeName);
      assertThat(store.tail("llmxds:ctx:v2:" + session, 100)).hasSize(6);
      assertThat(store.tail("llmxds:ctx:v1:" + session, 100)).hasSize(4);
    }
  }
}
