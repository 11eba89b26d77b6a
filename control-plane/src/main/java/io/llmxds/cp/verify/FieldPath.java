package io.llmxds.cp.verify;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import java.util.Arrays;

/**
 * Where the walk is inside a resource, as a stack of segments that becomes text only when a rule is broken: a clean
 * resource costs no string building. Rendered with proto field names, {@code [i]} for list items, {@code [key]} for
 * map entries and {@code <Type>} for the message inside an {@code Any}.
 */
final class FieldPath {

  private static final int NO_INDEX = -1;

  private Object[] segments = new Object[16];
  private int[] indices = new int[16];
  private int depth;

  /** A field or oneof of the current message. */
  void push(Object fieldOrOneof) {
    push(fieldOrOneof, NO_INDEX);
  }

  /** Item {@code index} of a repeated field. */
  void push(FieldDescriptor field, int index) {
    push((Object) field, index);
  }

  /** The entry {@code key} of a map field; the key is rendered as text. */
  void pushKey(FieldDescriptor field, Object key) {
    push(field, NO_INDEX);
    push(new MapKey(key), NO_INDEX);
  }

  /** The message unpacked from the {@code Any} at the top of the stack. */
  void pushUnpacked(Descriptor type) {
    push(type, NO_INDEX);
  }

  void pop() {
    segments[--depth] = null;
  }

  /** Pops a map entry pushed by {@link #pushKey}. */
  void popKey() {
    pop();
    pop();
  }

  private void push(Object segment, int index) {
    if (depth == segments.length) {
      segments = Arrays.copyOf(segments, depth * 2);
      indices = Arrays.copyOf(indices, depth * 2);
    }
    segments[depth] = segment;
    indices[depth++] = index;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      Object segment = segments[i];
      if (segment instanceof Descriptor type) {
        text.append('<').append(type.getName()).append('>');
      } else if (segment instanceof MapKey key) {
        text.append('[').append(key.key()).append(']');
      } else {
        if (text.length() > 0) {
          text.append('.');
        }
        text.append(segment instanceof OneofDescriptor oneof ? oneof.getName() : ((FieldDescriptor) segment).getName());
        if (indices[i] != NO_INDEX) {
          text.append('[').append(indices[i]).append(']');
        }
      }
    }
    return text.toString();
  }

  private record MapKey(Object key) {}
}
