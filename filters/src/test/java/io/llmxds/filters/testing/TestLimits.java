package io.llmxds.filters.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * Limit tables as the control plane encodes them (GlobalRateLimits): tests write the {@code io.llmxds.rate_limits}
 * metadata as JSON — one field per limit — and get the Struct the RDS virtual host carries.
 */
public final class TestLimits {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestLimits() {}

  /** {@code json} (single quotes allowed for readability) as a metadata Struct. */
  public static Struct table(String json) {
    try {
      return toValue(JSON.readTree(json.replace('\'', '"'))).getStructValue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * One limit on {@code store} covering {@code route}, enforced, failure mode {@code open}, with {@code targets} (a
   * JSON list) and {@code extra} fields (JSON members, may be empty).
   */
  public static String limit(String name, String store, String route, String targets, String extra) {
    return "'" + name + "': {'version': '0123456789abcdef', 'store': '" + store + "', 'enforce': true, "
        + "'failure_mode': 'open', 'model_routes': ['" + route + "'], 'targets': " + targets
        + (extra.isEmpty() ? "" : ", " + extra) + "}";
  }

  private static Value toValue(JsonNode node) {
    if (node.isObject()) {
      Struct.Builder struct = Struct.newBuilder();
      for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        struct.putFields(field.getKey(), toValue(field.getValue()));
      }
      return Value.newBuilder().setStructValue(struct).build();
    }
    if (node.isArray()) {
      ListValue.Builder list = ListValue.newBuilder();
      node.forEach(item -> list.addValues(toValue(item)));
      return Value.newBuilder().setListValue(list).build();
    }
    if (node.isBoolean()) {
      return Value.newBuilder().setBoolValue(node.booleanValue()).build();
    }
    if (node.isNumber()) {
      return Value.newBuilder().setNumberValue(node.doubleValue()).build();
    }
    if (node.isNull()) {
      return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
    }
    return Value.newBuilder().setStringValue(node.textValue()).build();
  }
}
