package io.llmxds.filters.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmxds.filters.config.DataPathSnapshot;
import io.llmxds.filters.config.XdsStatus;
import java.util.Optional;

/**
 * {@code GET /healthz}: {@code {"status":"ok","config":"<config_version>"}} ({@code "built-in default"} until a
 * config is applied), and with {@code --xds} the ADS connection: server, state, last error, applied versions.
 */
final class HealthReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HealthReport() {}

  static String json(DataPathSnapshot current, Optional<XdsStatus> xds) {
    ObjectNode health = JSON.createObjectNode().put("status", "ok").put("config", current.config());
    xds.ifPresent(status -> {
      ObjectNode connection = health.putObject("xds").put("server", status.server()).put("state", status.state());
      status.lastError().ifPresent(error -> connection.put("last_error", error));
      ObjectNode versions = connection.putObject("versions");
      status.versions().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
          .forEach(e -> versions.put(e.getKey().name(), e.getValue()));
    });
    return health.toString();
  }
}
