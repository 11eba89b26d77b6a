package io.llmxds.filters.extproc;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The headers Envoy sent with a message, by lower-case name. Envoy ≥ 1.30 sends values in {@code raw_value}, older
 * ones in {@code value}; both are read.
 */
final class Headers {
  private final Map<String, String> values;

  private Headers(Map<String, String> values) {
    this.values = values;
  }

  static Headers of(HeaderMap map) {
    Map<String, String> values = new HashMap<>();
    for (HeaderValue h : map.getHeadersList()) {
      String value = h.getRawValue().isEmpty() ? h.getValue() : h.getRawValue().toStringUtf8();
      values.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), value);
    }
    return new Headers(values);
  }

  /** The header's first value, when present and not blank. */
  Optional<String> get(String name) {
    return Optional.ofNullable(values.get(name.toLowerCase(Locale.ROOT))).filter(v -> !v.isBlank());
  }

  Map<String, String> asMap() {
    return values;
  }

  /**
   * A mutation that sets the header, replacing any value. Written to {@code raw_value}: Envoy reads only that field
   * while {@code send_header_raw_value} is on (its default since 1.30) and refuses a mutation with both.
   */
  static HeaderValueOption set(String name, String value) {
    return HeaderValueOption.newBuilder()
        .setHeader(HeaderValue.newBuilder().setKey(name).setRawValue(ByteString.copyFromUtf8(value)))
        .setAppendAction(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD)
        .build();
  }
}
