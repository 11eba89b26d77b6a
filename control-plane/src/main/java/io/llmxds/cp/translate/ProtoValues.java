package io.llmxds.cp.translate;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import java.time.Duration;

/** Small builders for proto values that several translators need. */
final class ProtoValues {

  private ProtoValues() {}

  static com.google.protobuf.Duration duration(Duration d) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
  }

  /** A uint32 proto field's Java int; values beyond uint32 saturate (they mean "no limit" in every use here). */
  static int uint32(long value) {
    return (int) Math.min(Math.max(value, 0), 0xFFFF_FFFFL);
  }

  /** Everything this control plane serves comes over the one ADS stream. */
  static ConfigSource ads() {
    return ConfigSource.newBuilder()
        .setAds(AggregatedConfigSource.getDefaultInstance())
        .setResourceApiVersion(ApiVersion.V3)
        .build();
  }

  static TypedExtensionConfig extension(String name, Message config) {
    return TypedExtensionConfig.newBuilder().setName(name).setTypedConfig(Any.pack(config)).build();
  }

  /**
   * A header (or gRPC metadata entry) with a literal value. Envoy reads {@code HeaderValue.value} as a
   * substitution-format string, where a lone {@code %} is an error — for gRPC metadata one that surfaces only when a
   * request opens the stream (header_parser.cc:37-48; docs/envoy-semantics.md X4) — so {@code %} is written
   * {@code %%}.
   */
  static HeaderValue header(String key, String value) {
    return HeaderValue.newBuilder().setKey(key).setValue(value.replace("%", "%%")).build();
  }

  static HeaderValueOption overwriteHeader(String key, String value) {
    return HeaderValueOption.newBuilder()
        .setHeader(header(key, value))
        .setAppendAction(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD)
        .build();
  }
}
