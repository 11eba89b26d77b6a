package io.llmxds.cp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.envoyproxy.controlplane.cache.Resources;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Prints the nodes of a {@code GET /status} body as an aligned table, one row per node and one column per xDS type,
 * then one line per NACK with the node's message and the trace to look at.
 */
final class StatusTable {
  /** Column title to type URL, in xDS order. */
  private static final List<Map.Entry<String, String>> TYPES = List.of(
      Map.entry("CDS", Resources.V3.CLUSTER_TYPE_URL),
      Map.entry("EDS", Resources.V3.ENDPOINT_TYPE_URL),
      Map.entry("LDS", Resources.V3.LISTENER_TYPE_URL),
      Map.entry("RDS", Resources.V3.ROUTE_TYPE_URL),
      Map.entry("SDS", Resources.V3.SECRET_TYPE_URL));
  static final String NACKED = "NACKED";

  private final List<List<String>> rows = new ArrayList<>();
  private final List<String> nacks = new ArrayList<>();

  StatusTable(JsonNode status, Instant now) {
    List<String> header = new ArrayList<>(List.of("NODE", "CLUSTER", "FLAVOR"));
    TYPES.forEach(t -> header.add(t.getKey()));
    header.addAll(List.of("VERSION", "LAST PUSH"));
    rows.add(header);
    for (JsonNode node : status.path("nodes")) {
      List<String> row = new ArrayList<>(List.of(node.path("node").asText(), orDash(node.path("cluster").asText()),
          orDash(node.path("flavor").asText())));
      for (Map.Entry<String, String> type : TYPES) {
        JsonNode typeStatus = node.path("types").path(type.getValue());
        String state = typeStatus.path("state").asText("NOT_SENT");
        row.add(state.replace('_', ' '));
        if (state.equals(NACKED)) {
          nacks.add(String.format("NACK %s %s: %s [trace %s]", node.path("node").asText(), type.getKey(),
              typeStatus.path("error").asText(), typeStatus.path("traceId").asText("-")));
        }
      }
      row.add(orDash(node.path("configVersion").asText()));
      row.add(node.hasNonNull("lastPush") ? ago(Instant.parse(node.get("lastPush").asText()), now) : "-");
      rows.add(row);
    }
  }

  boolean anyNacked() {
    return !nacks.isEmpty();
  }

  String render() {
    int columns = rows.get(0).size();
    int[] widths = new int[columns];
    for (List<String> row : rows) {
      for (int c = 0; c < columns; c++) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < columns; c++) {
        line.append(String.format("%-" + widths[c] + "s", row.get(c)));
        if (c < columns - 1) {
          line.append("  ");
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    if (rows.size() == 1) {
      out.append("(no nodes connected)\n");
    }
    nacks.forEach(n -> out.append(n).append('\n'));
    return out.toString();
  }

  private static String orDash(String s) {
    return s.isEmpty() ? "-" : s;
  }

  private static String ago(Instant then, Instant now) {
    long seconds = Math.max(0, Duration.between(then, now).toSeconds());
    if (seconds < 60) {
      return seconds + "s ago";
    }
    if (seconds < 3600) {
      return seconds / 60 + "m ago";
    }
    return seconds / 3600 + "h ago";
  }
}
