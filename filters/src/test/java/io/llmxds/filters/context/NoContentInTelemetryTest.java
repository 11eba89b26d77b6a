package io.llmxds.filters.context;

import static io.llmxds.filters.testing.TestPolicies.migrating;
import static io.llmxds.filters.testing.TestPolicies.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmxds.filters.context.RequestPolicy.Schema;
import io.llmxds.filters.store.ContextStore;
import io.llmxds.filters.store.StoreException;
import io.llmxds.filters.testing.EachStore;
import io.llmxds.filters.testing.TestTracing;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Conversation text and session or user ids never reach a span or a metric: ok, migration, corrupt, failure. */
class NoContentInTelemetryTest {

  private static final String MARKER = "MARKER-c0ntent-7f3a";

  @EachStore
  void noSpanOrMetricCarriesTheTextOrTheIds(ContextStore store) throws StoreException {
    try (TestTracing tracing = new TestTracing()) {
      var meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      var memory = new MemoryOverStores(
          new StoredConversationMemory(Duration.ofHours(1), tracing.openTelemetry(), meters),
          Map.of("s", store, "down", new StoredConversationMemoryTest.UnreachableStore()));
      var session = new SessionKey(MARKER + UUID.randomUUID(), Optional.of(MARKER + "-user"));
      List<Turn> turns = List.of(Turn.of("user", "question " + MARKER), Turn.of("assistant", "answer " + MARKER));

      memory.append(session, policy("s", Schema.V1, 10), turns);
      memory.load(session, migrating("s", 10));
      memory.append(session, policy("s", Schema.V2, 10), turns);
      store.append(SessionKeys.storeKey(session, Schema.V2), List.of("{\"role\":\"user\",\"content\":" + MARKER),
          10, Duration.ofHours(1));
      memory.load(session, policy("s", Schema.V2, 10));
      assertThatThrownBy(() -> memory.append(session, policy("down", Schema.V2, 10), turns))
          .isInstanceOf(StoreException.class);

      assertThat(tracing.spans()).extracting(SpanData::getName).contains("context.migrate");
      assertThat(meters.scrape()).contains("llm_xds_context_corrupt_entries_total").doesNotContain(MARKER);
      for (SpanData span : tracing.spans()) {
        assertThat(span.getAttributes().toString()).doesNotContain(MARKER);
        assertThat(span.getStatus().getDescription()).doesNotContain(MARKER);
        span.getEvents().forEach(event -> assertThat(event.getName() + event.getAttributes()).doesNotContain(MARKER));
      }
    }
  }
}
