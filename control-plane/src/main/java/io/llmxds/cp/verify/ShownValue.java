package io.llmxds.cp.verify;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;

/** A value as one line of an error: strings quoted and escaped (a bad header value may hold CR/LF), long ones cut. */
final class ShownValue {

  static final String REDACTED = "<redacted>";
  private static final int MAX_CHARS = 80;

  private ShownValue() {}

  /** A value already rendered by its rule (e.g. an unsigned number). */
  record Text(String text) {
    /** Shown for a missing message or oneof. */
    static final Text UNSET = new Text("<unset>");
  }

  static String of(Object value) {
    if (value instanceof Text text) {
      return text.text();
    }
    if (value instanceof String s) {
      return quoted(s);
    }
    if (value instanceof ByteString bytes) {
      return bytes.size() + " bytes";
    }
    if (value instanceof Duration d) {
      return Durations.toString(d);
    }
    if (value instanceof Timestamp t) {
      return Timestamps.toString(t);
    }
    if (value instanceof EnumValueDescriptor e) {
      return e.getIndex() < 0 ? String.valueOf(e.getNumber()) : e.getName();
    }
    return String.valueOf(value);
  }

  static String quoted(String s) {
    StringBuilder text = new StringBuilder(Math.min(s.length(), MAX_CHARS) + 8).append('"');
    for (int i = 0; i < s.length() && i < MAX_CHARS; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> text.append("\\\"");
        case '\\' -> text.append("\\\\");
        case '\n' -> text.append("\\n");
        case '\r' -> text.append("\\r");
        case '\t' -> text.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            text.append(String.format("\\u%04x", (int) c));
          } else {
            text.append(c);
          }
        }
      }
    }
    text.append('"');
    if (s.length() > MAX_CHARS) {
      text.append("…(").append(s.length()).append(" chars)");
    }
    return text.toString();
  }
}
