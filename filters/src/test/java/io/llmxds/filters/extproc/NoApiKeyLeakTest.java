package io.llmxds.filters.extproc;

import static io.llmxds.filters.extproc.ContextService.chatRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmxds.common.testing.CapturedStderr;
import io.llmxds.filters.config.ResourceType;
import io.llmxds.filters.testing.TestAdsServer;
import io.llmxds.filters.testing.TestDataPath.Consumer;
import io.micrometer.core.instrument.Meter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;

/**
 * No client API key — valid, unknown, removed — in any span, log line, metric or NACK of the service, on every
 * path: accepted in each header, refused, forbidden (403), rotated away, and checked while unconfigured.
 */
class NoApiKeyLeakTest {
  private static final String KEY_A = "sk-WOMBAT-a-1f2e3d";
  private static final String KEY_A2 = "sk-WOMBAT-a2-9c8b7a";
  private static final String KEY_B = "sk-WOMBAT-b-5d4c3b";
  private static final String UNKNOWN = "sk-WOMBAT-unknown-000";
  private static final String MARKER = "WOMBAT";

  @Test
  void noClientKeyReachesSpansLogsMetricsOrNacks() throws Exception {
    try (CapturedStderr logs = new CapturedStderr();
         ContextService service = new ContextService()) {
      FakeExtAuthz authz = service.envoy.extAuthz();
      authz.check(AuthorizationServiceTest.request("authorization", "Bearer " + KEY_A));
      service.configure(AuthorizationServiceTest.config("1", Consumer.of("a", KEY_A).allowedOnly("chat"),
          Consumer.of("b", KEY_B)));
      service.chatWithKey(KEY_A, "s1", chatRequest("gpt-4o", null, "hi"), "hello");
      service.chatWithKey(KEY_A, "s1", chatRequest("text-embedding-3", null, "hi"), "hello");
      service.chatWithKey(UNKNOWN, "s1", chatRequest("gpt-4o", null, "hi"), "hello");
      authz.check(AuthorizationServiceTest.request("x-api-key", KEY_B));
      authz.check(AuthorizationServiceTest.request("api-key", KEY_B));
      authz.check(AuthorizationServiceTest.request("authorization", "Basic " + KEY_B));
      service.configure(AuthorizationServiceTest.config("2", Consumer.of("a", KEY_A2)));
      service.chatWithKey(KEY_A, "s1", chatRequest("gpt-4o", null, "hi"), "hello");
      service.chatWithKey(KEY_A2, "s1", chatRequest("gpt-4o", null, "hi"), "hello");

      var spans = service.spans.getFinishedSpanItems();
      assertThat(spans).extracting(SpanData::getName).contains("auth.check", "context.inject");
      assertThat(spans).allSatisfy(span -> assertThat(span.toString()).doesNotContain(MARKER));
      assertThat(service.meters.getMeters()).extracting(Meter::getId)
          .anySatisfy(id -> assertThat(id.getName()).isEqualTo("llm_xds.auth.checks"))
          .allSatisfy(id -> assertThat(id.toString()).doesNotContain(MARKER));
      assertThat(service.controlPlane.requests()).extracting(TestAdsServer.Request::toString)
          .allSatisfy(request -> assertThat(request).doesNotContain(MARKER));
      assertThat(service.controlPlane.requests(ResourceType.SDS)).isNotEmpty();
      String logged = logs.text();
      assertThat(logged).as("the service logged (the scan is not vacuous)").contains("applied data-path config 2");
      assertThat(logged).doesNotContain(MARKER);
    }
  }
}
