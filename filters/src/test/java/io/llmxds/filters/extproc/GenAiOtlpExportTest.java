package io.llmxds.filters.extproc;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.llmxds.filters.server.MeterExport;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The GenAI metrics leave over OTLP/HTTP as well as through {@code /metrics}: a real OTLP receiver on loopback gets
 * them under the semantic conventions' names, times in seconds, with the advised bucket boundaries.
 */
class GenAiOtlpExportTest {

  @Test
  void theGenAiHistogramsReachAnOtlpReceiverUnderTheirSemconvNames() throws Exception {
    List<ExportMetricsServiceRequest> received = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext("/v1/metrics", exchange -> {
      received.add(ExportMetricsServiceRequest.parseFrom(exchange.getRequestBody().readAllBytes()));
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    receiver.start();
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try {
      MeterExport export = new MeterExport(prometheus, Optional.of(Map.of(
          "otlp.url", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/v1/metrics")));
      GenAiMetrics metrics = new GenAiMetrics(export.registry());
      Tags call = Tags.of("gen_ai.operation.name", "chat", "gen_ai.provider.name", "openai");
      metrics.tokens(call, "input", 12);
      metrics.duration(call, "", Duration.ofMillis(1500));
      export.close(); // publishes what it holds

      List<Metric> metricsSent = received.stream()
          .flatMap(r -> r.getResourceMetricsList().stream())
          .flatMap(r -> r.getScopeMetricsList().stream())
          .flatMap(s -> s.getMetricsList().stream()).toList();
      Metric tokens = named(metricsSent, GenAiMetrics.TOKEN_USAGE);
      assertThat(tokens.getHistogram().getDataPoints(0).getSum()).isEqualTo(12.0);
      assertThat(tokens.getHistogram().getDataPoints(0).getExplicitBoundsList()).startsWith(1.0, 4.0, 16.0)
          .endsWith(67108864.0);
      assertThat(tokens.getHistogram().getDataPoints(0).getAttributesList())
          .anySatisfy(a -> assertThat(a.getKey() + "=" + a.getValue().getStringValue())
              .isEqualTo("gen_ai.token.type=input"));
      Metric duration = named(metricsSent, GenAiMetrics.OPERATION_DURATION);
      assertThat(duration.getUnit()).as("Micrometer's word for UCUM's s (docs/observability.md)").isEqualTo("seconds");
      assertThat(duration.getHistogram().getDataPoints(0).getSum()).isEqualTo(1.5);
      assertThat(duration.getHistogram().getDataPoints(0).getExplicitBoundsList()).startsWith(0.01, 0.02)
          .endsWith(81.92);
      assertThat(prometheus.scrape()).as("and still scraped").contains("gen_ai_client_token_usage_sum");
    } finally {
      receiver.stop(0);
      prometheus.close();
    }
  }

  private static Metric named(List<Metric> metrics, String name) {
    return metrics.stream().filter(m -> m.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError(name + " not among " + metrics.stream().map(Metric::getName).toList()));
  }
}
