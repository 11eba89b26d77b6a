package io.llmxds.cp.reload;

import static io.llmxds.cp.observe.SpanAttributes.MESSAGE;
import static io.llmxds.cp.observe.SpanAttributes.RELOAD_SPAN;
import static io.llmxds.cp.observe.SpanAttributes.VALIDATION_ERROR_EVENT;
import static io.llmxds.cp.testing.AdsTestClient.RDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmxds.common.testing.CapturedStderr;
import io.llmxds.cp.envoy.EnvoyCheck;
import io.llmxds.cp.envoy.EnvoyCommand;
import io.llmxds.cp.envoy.EnvoyValidator;
import io.llmxds.cp.envoy.ProcessStandIn;
import io.llmxds.cp.testing.AdsTestClient;
import io.llmxds.cp.testing.LiveControlPlane;
import io.llmxds.cp.testing.PolicyDirs;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --envoy-validate}: a config version the Envoy check refuses is a failed reload — nothing pushed, the
 * last good version serving, the reload span ERROR with Envoy's message as an event, the audit line and {@code
 * /status} carrying it. The "Envoy" is a {@link ProcessStandIn} script that refuses while a flag file exists: this
 * tests the reload's wiring of the check, not Envoy (the envoy module's EnvoyValidateTest runs a real one).
 */
class EnvoyValidatedReloadTest {
  private static final String REFUSAL = "listener 'edge': stand-in refusal for the wiring test";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void aRefusedVersionIsAFailedReloadAndNothingIsPushed() throws Exception {
    Path flag = tmp.resolve("refuse");
    EnvoyCheck check = new EnvoyCheck(new EnvoyValidator(
        new EnvoyCommand.Local(ProcessStandIn.rejectingWhile(Files.createDirectory(tmp.resolve("bin")), flag, REFUSAL)),
        Duration.ofSeconds(30)));
    try (CapturedStderr logs = new CapturedStderr();
         LiveControlPlane live = LiveControlPlane.start(tmp, check)) {
      AdsTestClient envoy = live.connectSynced("envoy-a");
      String serving = status(live).get("configVersion").asText();
      Map<String, Integer> received = envoy.counts();
      String rds = envoy.ackedVersion(RDS).orElseThrow();

      Files.writeString(flag, "");
      PolicyDirs.edit(live.policies().resolve("routes.yaml"), "weight: 90", "weight: 50");
      HttpResponse<String> refused = live.postReload();

      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
      assertThat(refused.body()).contains("\"failure\"").contains(REFUSAL);
      JsonNode status = status(live);
      assertThat(status.get("configVersion").asText()).isEqualTo(serving);
      assertThat(status.get("lastReload").get("status").asText()).isEqualTo("failure");
      assertThat(status.get("lastReload").get("errors").toString()).contains("rejected the config: " + REFUSAL)
          .contains("the message names Gateway/");
      // The reload answers after publishing, so a push would have been sent by now: none was.
      assertThat(envoy.counts()).isEqualTo(received);
      SpanData span = live.telemetry().spans(RELOAD_SPAN).stream()
          .filter(s -> s.getStatus().getStatusCode() == StatusCode.ERROR).findFirst().orElseThrow();
      assertThat(span.getEvents()).anySatisfy(e -> {
        assertThat(e.getName()).isEqualTo(VALIDATION_ERROR_EVENT);
        assertThat(e.getAttributes().get(MESSAGE)).endsWith("rejected the config: " + REFUSAL);
      });
      await().atMost(LiveControlPlane.PATIENCE).until(() -> logs.text().contains("\"status\":\"failure\""));
      assertThat(logs.text()).contains(REFUSAL);

      Files.delete(flag);
      live.reload();
      await().atMost(LiveControlPlane.PATIENCE).until(() -> !envoy.ackedVersion(RDS).orElseThrow().equals(rds));
    }
  }

  private static JsonNode status(LiveControlPlane live) throws Exception {
    return JSON.readTree(live.get("/status").body());
  }
}
