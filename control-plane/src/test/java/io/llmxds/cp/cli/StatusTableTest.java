package io.llmxds.cp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StatusTableTest {
  private static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
  private static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";

  @Test
  void alignsColumnsAndSpellsEveryState() throws Exception {
    String body = """
        {"nodes": [
          {"node": "edge-1", "cluster": "llm-gateway", "flavor": "edge", "configVersion": "",
           "lastPush": "2025-01-01T00:00:00Z",
           "types": {"%s": {"state": "STALE"}, "%s": {"state": "NACKED", "error": "bad route"}}},
          {"node": "a", "cluster": "", "configVersion": "0123456789abcdef", "types": {}}
        ]}""".formatted(CDS, RDS);
    StatusTable table = new StatusTable(new ObjectMapper().readTree(body), Instant.parse("2025-01-01T00:02:05Z"));

    assertThat(table.render()).isEqualTo("""
        NODE    CLUSTER      FLAVOR  CDS       EDS       LDS       RDS       SDS       VERSION           LAST PUSH
        edge-1  llm-gateway  edge    STALE     NOT SENT  NOT SENT  NACKED    NOT SENT  -                 2m ago
        a       -            -       NOT SENT  NOT SENT  NOT SENT  NOT SENT  NOT SENT  0123456789abcdef  -
        NACK edge-1 RDS: bad route [trace -]
        """);
    assertThat(table.anyNacked()).isTrue();
  }

  @Test
  void saysSoWhenNoNodeIsConnected() throws Exception {
    StatusTable table = new StatusTable(new ObjectMapper().readTree("{\"nodes\": []}"), Instant.now());
    assertThat(table.render()).endsWith("(no nodes connected)\n");
    assertThat(table.anyNacked()).isFalse();
  }
}
