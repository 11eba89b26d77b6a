package io.llmxds.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The trace receiver speaks OTLP/gRPC: spans exported by the OpenTelemetry SDK arrive with their attributes. */
class OtlpTraceReceiverTest {

  @Test
  void receivesExportedSpansWithTheirServiceAndAttributes() throws Exception {
    try (OtlpTraceReceiver receiver = OtlpTraceReceiver.start()) {
      OtlpGrpcSpanExporter exporter = OtlpGrpcSpanExporter.builder()
          .setEndpoint("http://127.0.0.1:" + receiver.port())
          .build();
      SdkTracerProvider tracing = SdkTracerProvider.builder()
          .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "llm-xds-envoy")))
          .addSpanProcessor(SimpleSpanProcessor.create(exporter))
          .build();

      tracing.get("test").spanBuilder("ingress").setAttribute("llm_xds.config_version", "c0ffee").startSpan().end();
      CompletableResultCode flushed = tracing.forceFlush().join(10, TimeUnit.SECONDS);
      tracing.shutdown().join(10, TimeUnit.SECONDS);

      assertThat(flushed.isSuccess()).isTrue();
      assertThat(receiver.spans()).singleElement().satisfies(span -> {
        assertThat(span.service()).isEqualTo("llm-xds-envoy");
        assertThat(span.name()).isEqualTo("ingress");
        assertThat(span.traceId()).hasSize(32);
        assertThat(span.attributes()).containsEntry("llm_xds.config_version", "c0ffee");
      });
    }
  }
}
