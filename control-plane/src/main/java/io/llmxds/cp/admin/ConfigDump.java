package io.llmxds.cp.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Any;
import io.llmxds.cp.observe.NodeStatusBoard;
import io.llmxds.cp.observe.Push;
import io.llmxds.cp.translate.EnvoyTypes;
import io.llmxds.cp.translate.ResourceJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code GET /config_dump?node=ID}: per type, the resources last pushed to that node with their
 * versions, shown as {@code render} shows them (secrets redacted).
 */
final class ConfigDump {
  private ConfigDump() {}

  static Map<String, Object> of(NodeStatusBoard.PushedConfig config) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("node", config.node().id());
    body.put("cluster", config.node().cluster());
    body.put("flavor", config.node().flavor().wire());
    body.put("types", config.pushes().values().stream().map(ConfigDump::type).toList());
    return body;
  }

  private static Map<String, Object> type(Push push) {
    Map<String, Object> type = new LinkedHashMap<>();
    type.put("typeUrl", push.typeUrl());
    type.put("version", push.typeVersion());
    type.put("configVersion", push.configVersion());
    type.put("sentAt", push.sentAt().toString());
    type.put("resources", resources(push.resources()));
    return type;
  }

  private static List<JsonNode> resources(List<Any> resources) {
    return resources.stream()
        .map(any -> EnvoyTypes.unpackResource(any)
            .orElseThrow(() -> new IllegalStateException("cannot unpack a pushed " + any.getTypeUrl())))
        .map(ResourceJson::redacted)
        .toList();
  }
}
