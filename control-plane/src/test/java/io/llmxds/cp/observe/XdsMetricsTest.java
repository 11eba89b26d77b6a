package io.llmxds.cp.observe;

import static io.llmxds.cp.testing.AdsTestClient.CDS;
import static io.llmxds.cp.testing.AdsTestClient.EDS;
import static io.llmxds.cp.testing.AdsTestClient.LDS;
import static io.llmxds.cp.testing.AdsTestClient.RDS;
import static io.llmxds.cp.testing.AdsTestClient.SDS;
import static io.llmxds.cp.testing.LiveControlPlane.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmxds.cp.testing.AdsTestClient;
import io.llmxds.cp.testing.LiveControlPlane;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metrics of a running control plane, after a good reload and a NACK, read from the registry and scraped. */
class XdsMetricsTest {
  private static final List<String> TYPES = List.of(CDS, EDS, LDS, RDS, SDS);

  @TempDir Path tmp;
  private LiveControlPlane live;
  private MeterRegistry meters;

  @BeforeEach
  void start() throws Exception {
    live = LiveControlPlane.start(tmp);
    meters = live.telemetry().telemetry().meters();
  }

  @AfterEach
  void stop() {
    live.close();
  }

  @Test
  void reloadsPushesAnswersConvergenceAndTheServedVersion() {
    AdsTestClient a = live.connectSynced("envoy-a");
    AdsTestClient b = live.connectSynced("envoy-b");
    live.applyOneEditThenNackTheNext(b, "route: weights must add up (simulated)");
    String served = live.controlPlane().xds().current().orElseThrow().configVersion();

    assertThat(counter(XdsMetrics.RELOADS, "status", "success", "trigger", "startup")).isEqualTo(1);
    assertThat(counter(XdsMetrics.RELOADS, "status", "success", "trigger", "admin-api")).isEqualTo(2);
    assertThat(meters.get(XdsMetrics.RELOAD_DURATION).tag("status", "success").timer().count()).isEqualTo(3);

    // Every response either client received was counted as a push, and every one it answered as an ACK or a NACK.
    await().atMost(PATIENCE).untilAsserted(() -> {
      for (String type : TYPES) {
        int received = a.count(type) + b.count(type);
        assertThat(counter(XdsMetrics.PUSHES, "type_url", type)).as(type).isEqualTo(received);
        assertThat(counter(XdsMetrics.ACKS, "type_url", type)).as(type)
            .isEqualTo(type.equals(RDS) ? received - 1 : received);
      }
      assertThat(counter(XdsMetrics.NACKS, "type_url", RDS, "node_id", "envoy-b")).isEqualTo(1);
    });
    assertThat(meters.find(XdsMetrics.NACKS).counters()).hasSize(1);

    assertThat(meters.find(XdsMetrics.CONFIG_INFO).gauges())
        .singleElement()
        .satisfies(g -> assertThat(g.getId().getTag("config_version")).isEqualTo(served))
        .satisfies(g -> assertThat(g.value()).isEqualTo(1));
    assertThat(meters.get(XdsMetrics.STREAMS).gauge().value()).isEqualTo(2);
    assertThat(meters.get(XdsMetrics.LAST_SUCCESS_AGE).gauge().value()).isBetween(0.0, 60.0);

    // Both nodes connected after the startup reload (no sample), both applied the first edit, only a the second.
    await().atMost(PATIENCE)
        .until(() -> meters.get(XdsMetrics.CONVERGENCE).timer().count() == 3);

    HttpResponse<String> scrape = live.get("/metrics");
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
    assertThat(scrape.body())
        .contains("llm_xds_reloads_total{status=\"success\",trigger=\"admin-api\"} 2.0")
        .contains("llm_xds_xds_nacks_total{node_id=\"envoy-b\",type_url=\"" + RDS + "\"} 1.0")
        .contains("llm_xds_convergence_seconds_count 3")
        .contains("llm_xds_convergence_seconds_bucket{le=\"0.1\"}")
        .contains("llm_xds_xds_streams 2.0")
        .contains("llm_xds_reload_last_success_age_seconds ")
        .doesNotContain("sk-example-replace-me");
    assertThat(scrape.body().lines().filter(l -> l.startsWith("llm_xds_config_info{")))
        .containsExactly("llm_xds_config_info{config_version=\"" + served + "\"} 1");
  }

  @Test
  void aClosedStreamLeavesTheGaugeAndANodeThatReconnectsIsCountedAgain() {
    AdsTestClient a = live.connectSynced("envoy-a");
    live.disconnect(a);
    await().atMost(PATIENCE).until(() -> meters.get(XdsMetrics.STREAMS).gauge().value() == 0);
    live.connectSynced("envoy-a");
    live.editAndReload("routes.yaml", "weight: 90", "weight: 50");
    await().atMost(PATIENCE).until(() -> meters.get(XdsMetrics.CONVERGENCE).timer().count() == 1);
    Gauge streams = meters.get(XdsMetrics.STREAMS).gauge();
    assertThat(streams.value()).isEqualTo(1);
  }

  @Test
  void aProxylessClientConvergesWithoutSecretsAndStatusShowsItsFlavor() throws Exception {
    live.connectSynced("envoy-a");
    AdsTestClient grpc = live.connectSyncedProxyless("grpc-a", List.of("chat", "gpt-4o"));
    live.editAndReload("routes.yaml", "weight: 90", "weight: 50");
    live.awaitSynced(grpc);

    // Both converge: the gRPC client never subscribes to SDS, so its missing SDS ACK must not hold it back.
    await().atMost(PATIENCE).until(() -> meters.get(XdsMetrics.CONVERGENCE).timer().count() == 2);
    String served = live.controlPlane().xds().current().orElseThrow().configVersion();
    JsonNode status = new ObjectMapper().readTree(live.get("/status").body());
    assertThat(status.at("/proxylessTypeVersions").size()).isEqualTo(5);
    JsonNode node = StreamSupport.stream(status.at("/nodes").spliterator(), false)
        .filter(n -> n.at("/node").asText().equals("grpc-a")).findFirst().orElseThrow();
    assertThat(node.at("/flavor").asText()).isEqualTo("proxyless");
    assertThat(node.at("/configVersion").asText()).isEqualTo(served);
    assertThat(node.at("/types").properties()).allSatisfy(type -> assertThat(type.getValue().at("/state").asText())
        .isEqualTo(type.getKey().equals(SDS) ? "NOT_SENT" : "SYNCED"));
  }

  private double counter(String name, String... tags) {
    return meters.get(name).tags(tags).counter().count();
  }
}
