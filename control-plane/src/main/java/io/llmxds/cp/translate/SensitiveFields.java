package io.llmxds.cp.translate;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.llmxds.cp.policy.SecretValue;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import udpa.annotations.Sensitive;

/**
 * Replaces the value of every field Envoy's API marks {@code (udpa.annotations.sensitive)} (generic secrets, private
 * keys) by {@code <redacted sha256:…>}: a reviewer sees that a secret changed, never what it is.
 */
public final class SensitiveFields {

  private SensitiveFields() {}

  /** Whether Envoy's API marks {@code field} as holding a secret. */
  public static boolean isSensitive(FieldDescriptor field) {
    return field.getOptions().getExtension(Sensitive.sensitive);
  }

  static Message redact(Message message) {
    Message.Builder builder = message.toBuilder();
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      FieldDescriptor descriptor = field.getKey();
      if (isSensitive(descriptor)) {
        builder.setField(descriptor, redactedValue(field.getValue()));
      } else if (descriptor.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        builder.setField(descriptor, redactNested(field.getValue()));
      }
    }
    return builder.build();
  }

  private static Object redactNested(Object value) {
    if (value instanceof List<?> list) {
      return list.stream().map(SensitiveFields::redactNested).toList();
    }
    if (value instanceof Any any) {
      return EnvoyTypes.unpack(any).<Object>map(m -> Any.pack(redact(m))).orElse(any);
    }
    return redact((Message) value);
  }

  private static Object redactedValue(Object value) {
    if (value instanceof List<?> list) {
      return list.stream().map(SensitiveFields::redactedValue).toList();
    }
    if (value instanceof String s) {
      return fingerprint(s);
    }
    if (value instanceof ByteString bytes) {
      return ByteString.copyFromUtf8(fingerprint(bytes.toStringUtf8()));
    }
    if (value instanceof DataSource source) {
      return redactedSource(source);
    }
    Message message = (Message) value;
    if (message.getDescriptorForType().getOptions().getMapEntry()) {
      FieldDescriptor mapValue = message.getDescriptorForType().findFieldByName("value");
      return message.toBuilder().setField(mapValue, redactedValue(message.getField(mapValue))).build();
    }
    // A sensitive message of another shape: show nothing of it.
    return message.getDefaultInstanceForType();
  }

  /** Inline contents are the secret; a file name or environment variable name is not. */
  private static DataSource redactedSource(DataSource source) {
    return switch (source.getSpecifierCase()) {
      case INLINE_STRING -> DataSource.newBuilder().setInlineString(fingerprint(source.getInlineString())).build();
      case INLINE_BYTES -> DataSource.newBuilder()
          .setInlineString(fingerprint(new String(source.getInlineBytes().toByteArray(), StandardCharsets.UTF_8)))
          .build();
      default -> source;
    };
  }

  private static String fingerprint(String secret) {
    return "<redacted " + new SecretValue(secret).fingerprint() + ">";
  }
}
