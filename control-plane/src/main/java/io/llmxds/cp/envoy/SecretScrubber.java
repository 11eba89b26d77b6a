package io.llmxds.cp.envoy;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.llmxds.cp.policy.SecretValue;
import io.llmxds.cp.translate.SensitiveFields;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Removes the secrets of a bootstrap from text Envoy printed about it. Envoy's proto-validation errors carry the
 * offending message's {@code DebugString()} (source/common/protobuf/utility.cc:159-163, row SB4), which can be the
 * whole bootstrap with its static secrets: each secret value (every field the API marks sensitive), and
 * each of its words, raw and as text format escapes it, becomes {@code <redacted sha256:…>}.
 */
final class SecretScrubber {
  /** Shorter fragments (a PEM's last line, say) are too common to replace and too short to be a secret alone. */
  private static final int MIN_FRAGMENT = 12;
  /** A whole secret is replaced from this length on (shorter ones would blank out ordinary words). */
  private static final int WHOLE_MIN = 4;

  private final Map<String, String> replacements;

  private SecretScrubber(Map<String, String> replacements) {
    this.replacements = replacements;
  }

  static SecretScrubber of(Message bootstrap) {
    Map<String, String> found = new LinkedHashMap<>();
    collect(bootstrap, false, found);
    return new SecretScrubber(found);
  }

  String scrub(String text) {
    String result = text;
    // Longest first: a whole secret before the lines it is made of.
    List<Map.Entry<String, String>> ordered = replacements.entrySet().stream()
        .sorted(Comparator.comparingInt((Map.Entry<String, String> e) -> e.getKey().length()).reversed()).toList();
    for (Map.Entry<String, String> r : ordered) {
      result = result.replace(r.getKey(), r.getValue());
    }
    return result;
  }

  private static void collect(Message message, boolean sensitive, Map<String, String> found) {
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      boolean secret = sensitive || SensitiveFields.isSensitive(field.getKey());
      Object value = field.getValue();
      for (Object item : value instanceof List<?> list ? list : List.of(value)) {
        if (item instanceof Message nested) {
          collect(nested, secret, found);
        } else if (secret && item instanceof String s) {
          add(s, found);
        } else if (secret && item instanceof ByteString bytes) {
          add(bytes.toString(StandardCharsets.UTF_8), found);
        }
      }
    }
  }

  private static void add(String secret, Map<String, String> found) {
    String placeholder = "<redacted " + new SecretValue(secret).fingerprint() + ">";
    put(secret, WHOLE_MIN, placeholder, found);
    // Its lines (a PEM) and words (a key after its "Bearer " prefix), wherever Envoy shows one alone.
    for (String part : secret.split("\\s+")) {
      put(part, MIN_FRAGMENT, placeholder, found);
    }
  }

  private static void put(String value, int minLength, String placeholder, Map<String, String> found) {
    if (value.length() >= minLength) {
      found.putIfAbsent(value, placeholder);
      found.putIfAbsent(textFormatEscaped(value), placeholder);
    }
  }

  /** How protobuf's text format (DebugString) writes a string: C escapes. */
  private static String textFormatEscaped(String value) {
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        .replace("\"", "\\\"").replace("'", "\\'");
  }
}
