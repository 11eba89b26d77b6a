package io.llmxds.filters.extproc;

import static io.llmxds.filters.extproc.ContextService.chatHeaders;
import static io.llmxds.filters.extproc.ContextService.chatRequest;
import static io.llmxds.filters.extproc.ContextService.with;
import static io.llmxds.filters.testing.TestDataPath.memoryStore;
import static io.llmxds.filters.testing.TestDataPath.redisStore;
import static io.llmxds.filters.testing.TestDataPath.route;
import static io.llmxds.filters.testing.TestPolicies.examplePolicy;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmxds.common.testing.CapturedStderr;
import io.llmxds.filters.testing.LocalRedis;
import io.llmxds.filters.testing.TestDataPath;
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
         LocalRedis redis = LocalRedis.start();
         ContextService service = new ContextService()) {
      TestDataPath.Policy onRedis = TestDataPath.Policy.of("on-redis", "redis");
      service.configure(TestDataPath.Config.of("1", List.of(memoryStore(), redisStore("redis", redis.uri())),
          route("v1", examplePolicy(), "m"), route("v2", examplePolicy().migratingToV2(), "m2"),
          route("open", onRedis, "r-open"), route("closed", onRedis.withFailureMode("closed"), "r-closed"))
          .withMaxBodyBytes(2048));
      redis.stop();
      String session = "s-" + UUID.randomUUID();
      Map<String, String> traced = with(chatHeaders(session), "traceparent",
          "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
      service.chat(session, chatRequest("m", "system " + MARKER, "user " + MARKER), "answer " + MARKER);
      service.envoy.exchange(new FakeEnvoy.Http(Map.of(), traced, chatRequest("m2", null, "streamed " + MARKER),
          ContextService.sseResponseHeaders(),
          ContextService.chunks(ContextService.sseAnswer("m", 1, 1, "delta " + MARKER), 5)));
      service.envoy.exchange(new FakeEnvoy.Http(Map.of(), traced, chatRequest("m2", null, "bad sse " + MARKER),
          ContextService.sseResponseHeaders(),
          List.of(("data: {" + MARKER + "\n\n").getBytes(StandardCharsets.UTF_8))));
      service.chat(session, "{\"model\":\"m2\",\"messages\":[" + MARKER, "x");
      service.chat(session, chatRequest("m2", null, MARKER.repeat(200)), "too large");
      service.chat(session, chatRequest("r-open", null, "open " + MARKER), "x");
      service.chat(session, chatRequest("r-closed", null, "closed " + MARKER), "x");

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
