package io.llmxds.cp.admin;

import static io.llmxds.cp.testing.AdsTestClient.LDS;
import static io.llmxds.cp.testing.AdsTestClient.RDS;
import static io.llmxds.cp.testing.AdsTestClient.SDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmxds.cp.testing.AdsTestClient;
import io.llmxds.cp.testing.LiveControlPlane;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /config_dump?node=} on a running control plane, and the secret staying out of every admin answer. */
class ConfigDumpTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "sk-example-replace-me";

  @TempDir Path tmp;
  private LiveControlPlane live;

  @BeforeEach
  void start() throws Exception {
    live = LiveControlPlane.start(tmp);
  }

  @AfterEach
  void stop() {
    live.close();
  }

  @Test
  void showsWhatWasLastPushedToTheNodeWithSecretsRedacted() throws Exception {
    AdsTestClient envoy = live.connectSynced("envoy-a");
    live.editAndReload("routes.yaml", "weight: 90", "weight: 50");
    live.awaitSynced(envoy);
    Map<String, String> served = live.controlPlane().xds().current().orElseThrow().typeVersions();

    HttpResponse<String> reply = live.get("/config_dump?node=envoy-a");
    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(reply.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode dump = JSON.readTree(reply.body());
    assertThat(dump.get("node").asText()).isEqualTo("envoy-a");
    assertThat(dump.get("cluster").asText()).isEqualTo("llm-gateway");

    List<String> typeUrls = new ArrayList<>();
    for (JsonNode type : dump.get("types")) {
      String typeUrl = type.get("typeUrl").asText();
      typeUrls.add(typeUrl);
      assertThat(type.get("version").asText()).as(typeUrl).isEqualTo(served.get(typeUrl));
      assertThat(type.get("resources").size()).as(typeUrl).isEqualTo(lastReceived(envoy, typeUrl).size());
    }
    assertThat(typeUrls).containsExactlyElementsOf(served.keySet());

    JsonNode listener = type(dump, LDS).get("resources").get(0);
    assertThat(listener.get("name").asText()).isEqualTo("edge");
    assertThat(listener.findValues("@type")).extracting(JsonNode::asText).contains(
        "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager");
    assertThat(type(dump, RDS).toString()).contains("\"weight\":50");
    assertThat(type(dump, SDS).get("resources")).containsExactly(JSON.readTree("""
        {"name": "provider/openai/credential",
         "generic_secret": {"secret": {"inline_string": "<redacted sha256:d936d16c15f0>"}}}"""));

    for (String path : List.of("/config_dump?node=envoy-a", "/status", "/metrics")) {
      assertThat(live.get(path).body()).as(path).doesNotContain(SECRET);
    }
  }

  @Test
  void aNodeIsForgottenWhenItsStreamCloses() {
    AdsTestClient envoy = live.connectSynced("envoy-a");
    assertThat(live.get("/config_dump?node=envoy-a").statusCode()).isEqualTo(200);
    live.disconnect(envoy);
    await().atMost(LiveControlPlane.PATIENCE)
        .until(() -> live.get("/config_dump?node=envoy-a").statusCode() == 404);
    assertThat(live.get("/status").body()).doesNotContain("envoy-a");
  }

  private static JsonNode type(JsonNode dump, String typeUrl) {
    for (JsonNode type : dump.get("types")) {
      if (type.get("typeUrl").asText().equals(typeUrl)) {
        return type;
      }
    }
    throw new AssertionError("no " + typeUrl + " in " + dump);
  }

  private static List<String> lastReceived(AdsTestClient client, String typeUrl) {
    List<AdsTestClient.Received> received = client.received(typeUrl);
    return received.get(received.size() - 1).resourceNames();
  }
}
