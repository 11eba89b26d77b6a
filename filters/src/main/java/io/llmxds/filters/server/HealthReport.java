package io.llmxds.filters.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmxds.filters.config.DataPathSnapshot;
import io.llmxds.filters.config.XdsStatus;
import io.llmxds.filters.ratelimit.Decision;
import io.llmxds.filters.ratelimit.LimitTelemetry.LimitStatus;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code GET /healthz}: {@code {"status":"ok","config":"<config_version>"}} ({@code "built-in default"} until a
 * config is applied), with {@code --xds} the ADS connection: server, state, last error, applied versions, and per
 * global rate limit of the config its store, mode, decisions so far and its store's last error.
 */
final class HealthReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HealthReport() {}

  static String json(DataPathSnapshot current, Optional<XdsStatus> xds, Map<String, LimitStatus> limits) {
    ObjectNode health = JSON.createObjectNode().put("status", "ok").put("config", current.config());
    if (!current.limits().isEmpty()) {
      ObjectNode byName = health.putObject("rate_limits");
      new TreeMap<>(current.limits()).values().forEach(limit -> {
        ObjectNode entry = byName.putObject(limit.name()).put("store", limit.store()).put("enforce", limit.enforce())
            .put("failure_mode", limit.failureMode().name().toLowerCase(Locale.ROOT));
        Optional<LimitStatus> status = Optional.ofNullable(limits.get(limit.name()));
        ObjectNode decisions = entry.putObject("decisions");
        for (Decision decision : Decision.values()) {
          decisions.put(decision.tag(), status.map(s -> s.decisions().getOrDefault(decision.tag(), 0L)).orElse(0L));
        }
        status.flatMap(LimitStatus::lastError).ifPresent(error -> entry.put("last_error", error));
        status.flatMap(LimitStatus::lastErrorAt).ifPresent(at -> entry.put("last_error_at", at.toString()));
      });
    }
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
