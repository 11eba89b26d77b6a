package io.llmxds.filters.extproc;

import static io.llmxds.filters.extproc.ContextService.chatHeaders;
import static io.llmxds.filters.extproc.ContextService.chatRequest;
import static io.llmxds.filters.extproc.ContextService.with;
import static io.llmxds.filters.testing.TestPolicies.exampleRouteMetadata;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmxds.common.ContextPolicyMetadata;
import io.llmxds.common.testing.CapturedStderr;
import io.micrometer.core.instrument.Meter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** No prompt or completion text in any span, log line or metric, on the good paths and the failing ones. */
class NoContentLeakTest {
  private static final String MARKER = "QUOKKA-7f3a9c";

  @Test
  void promptAndCompletionTextNeverReachSpansLogsOrMetrics() throws Exception {
    try (CapturedStderr logs = new CapturedStderr();
         ContextService service = new ContextService(Map.of(), 2048)) {
      String session = "s-" + UUID.randomUUID();
      Map<String, String> v2 = with(exampleRouteMetadata(), ContextPolicyMetadata.SCHEMA, "v2", ContextPolicyMetadata.MODE, "v1_v2_migration");
      Map<String, String> traced = with(chatHeaders(session), "traceparent",
          "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
      service.chat(exampleRouteMetadata(), session, chatRequest("m", "system " + MARKER, "user " + MARKER), "answer " + MARKER);
      service.envoy.exchange(new FakeEnvoy.Http(v2, traced, chatRequest("m", null, "streamed " + MARKER),
          ContextService.sseResponseHeaders(),
          ContextService.chunks(ContextService.sseAnswer("m", 1, 1, "delta " + MARKER), 5)));
      service.envoy.exchange(new FakeEnvoy.Http(v2, traced, chatRequest("m", null, "bad sse " + MARKER),
          ContextService.sseResponseHeaders(),
          List.of(("data: {" + MARKER + "\n\n").getBytes(StandardCharsets.UTF_8))));
      service.chat(v2, session, "{\"model\":\"m\",\"messages\":[" + MARKER, "x");
      service.chat(v2, session, chatRequest("m", null, MARKER.repeat(200)), "too large");
      service.chat(with(v2, ContextPolicyMetadata.STORE, "redis"), session, chatRequest("m", null, "open " + MARKER), "x");
      service.chat(with(v2, ContextPolicyMetadata.STORE, "redis", ContextPolicyMetadata.FAILURE_MODE, "closed"), session,
          chatRequest("m", null, "closed " + MARKER), "x");
      service.chat(with(v2, ContextPolicyMetadata.MAX_TURNS, MARKER), session, chatRequest("m", null, MARKER), "x");

      List<SpanData> spans = service.spans.getFinishedSpanItems();
      assertThat(spans).extracting(SpanData::getName).contains("context.inject", "context.read", "context.write",
          "context.migrate");
      assertThat(spans).allSatisfy(span -> assertThat(span.toString()).doesNotContain(MARKER));
      assertThat(service.meters.getMeters()).extracting(Meter::getId)
          .allSatisfy(id -> assertThat(id.toString()).doesNotContain(MARKER));
      String logged = logs.text();
      assertThat(logged).as("the service logged (the scan is not vacuous)").contains("context store 'redis'");
      assertThat(logged).doesNotContain(MARKER);
    }
  }
}
