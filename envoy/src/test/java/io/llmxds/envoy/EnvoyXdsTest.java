package io.llmxds.envoy;

import static io.llmxds.cp.testing.AdsTestClient.CDS;
import static io.llmxds.cp.testing.AdsTestClient.EDS;
import static io.llmxds.cp.testing.AdsTestClient.LDS;
import static io.llmxds.cp.testing.AdsTestClient.RDS;
import static io.llmxds.cp.testing.AdsTestClient.SDS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmxds.cp.observe.SpanAttributes;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Envoy on the control plane's ADS stream: what it ACKs, and what it NACKs. */
class EnvoyXdsTest extends EnvoyEndToEnd {

  @Test
  void envoyAcksEveryTypeAndTheControlPlaneShowsItSynced() {
    JsonNode node = stack.nodeStatus();

    assertThat(node.get("cluster").asText()).isEqualTo("llm-gateway");
    assertThat(node.get("flavor").asText()).isEqualTo("edge");
    assertThat(node.get("configVersion").asText()).isEqualTo(stack.servedVersion());
    List<String> types = new ArrayList<>();
    node.get("types").fieldNames().forEachRemaining(types::add);
    assertThat(types).as("listeners, routes, clusters, endpoints and the provider credential")
        .containsExactlyInAnyOrder(CDS, EDS, LDS, RDS, SDS);
    node.get("types").forEach(t -> assertThat(t.get("state").asText()).isEqualTo("SYNCED"));
  }

  @Test
  void aListenerEnvoyCannotBindIsNackedWithEnvoysOwnMessageAndTheOldListenerKeepsServing() {
    String goodVersion = stack.servedVersion();
    int adminPort = stack.envoy().adminPortInside();
    // Valid policy, valid protos: only Envoy can tell that its own admin already listens on that port.
    stack.moveListenerTo(adminPort);
    stack.controlPlane().reload();
    String rejectedVersion = stack.servedVersion();
    assertThat(rejectedVersion).isNotEqualTo(goodVersion);

    JsonNode lds = stack.awaitNacked(LDS);
    String envoysMessage = lds.get("error").asText();
    assertThat(envoysMessage).contains("edge");

    SpanData nack = stack.nackedPush(LDS);
    Attributes attributes = nack.getAttributes();
    assertThat(attributes.get(SpanAttributes.ERROR_MESSAGE)).isEqualTo(envoysMessage);
    assertThat(attributes.get(SpanAttributes.CONFIG_VERSION)).isEqualTo(rejectedVersion);
    assertThat(attributes.get(SpanAttributes.NODE_ID)).isEqualTo(EdgeStack.NODE_ID);
    assertThat(nack.getTraceId()).isEqualTo(lds.get("traceId").asText());

    HttpResponse<String> reply = stack.chat("chat", "still there?");
    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
    assertThat(reply.headers().firstValue("x-llm-backend")).isPresent();
  }
}
