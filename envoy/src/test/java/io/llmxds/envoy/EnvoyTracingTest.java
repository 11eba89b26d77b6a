package io.llmxds.envoy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.llmxds.cp.translate.Names;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * Every request Envoy serves says which route version served it, in its trace span and in a response header, and
 * the control plane maps that version to the config version and reload that introduced it.
 */
class EnvoyTracingTest extends EnvoyEndToEnd {

  private static final String ENVOY_SERVICE = "llm-xds-envoy";

  @Test
  void theRequestSpanAndTheResponseCarryTheRouteVersionThatServedThem() {
    String first = stack.routeVersion("chat");
    HttpResponse<String> reply = stack.chat("chat", "traced");
    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
    assertThat(reply.headers().firstValue(Names.ROUTE_VERSION_HEADER)).hasValue(first);
    awaitRequestSpan(first, "chat");

    stack.edit("routes.yaml", "weight: 90", "weight: 80");
    stack.apply();
    String second = stack.routeVersion("chat");
    assertThat(second).isNotEqualTo(first);
    HttpResponse<String> after = stack.chat("chat", "traced again");
    assertThat(after.headers().firstValue(Names.ROUTE_VERSION_HEADER)).hasValue(second);
    awaitRequestSpan(second, "chat");
    assertThat(stack.introducedBy(second).path("configVersion").asText()).isEqualTo(stack.servedVersion());
  }

  /**
   * H5: Envoy's ext_proc client starts a child span of the request for the stream and puts its context into the
   * stream's initial metadata; the context service's GenAI span of the call is that span's child, in Envoy's trace.
   */
  @Test
  void theGenAiSpanOfACallIsAChildOfEnvoysSpanForTheExtProcStream() {
    HttpResponse<String> reply = stack.chat("chat", "traced");
    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
    await().atMost(EdgeStack.PATIENCE).untilAsserted(() -> {
      SpanData call = stack.contextTelemetry().spans().stream()
          .filter(s -> s.getKind() == SpanKind.CLIENT
              && "chat".equals(s.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name"))))
          .findFirst().orElseThrow(() -> new AssertionError("no GenAI span yet"));
      assertThat(stack.traces().spans()).filteredOn(s -> s.service().equals(ENVOY_SERVICE))
          .anySatisfy(s -> {
            assertThat(s.traceId()).isEqualTo(call.getTraceId());
            assertThat(s.spanId()).isEqualTo(call.getParentSpanId());
            assertThat(s.name()).contains("ExternalProcessor.Process");
          });
    });
  }

  /** Envoy batches spans (every 5 s by default): wait for one tagged with {@code version} and {@code modelRoute}. */
  private void awaitRequestSpan(String version, String modelRoute) {
    await().atMost(EdgeStack.PATIENCE).untilAsserted(() -> assertThat(stack.traces().spans())
        .filteredOn(s -> s.service().equals(ENVOY_SERVICE))
        .anySatisfy(s -> {
          assertThat(s.attributes()).containsEntry(Names.ROUTE_VERSION_TAG, version);
          assertThat(s.attributes()).containsEntry(Names.MODEL_ROUTE_TAG, modelRoute);
        }));
  }
}
