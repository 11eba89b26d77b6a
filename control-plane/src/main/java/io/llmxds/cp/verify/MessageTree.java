package io.llmxds.cp.verify;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.llmxds.cp.translate.EnvoyTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * All messages inside a resource, depth first, with every {@code Any} the translation can produce unpacked, so a
 * reference can be found wherever a filter or extension config carries it.
 */
final class MessageTree {

  private MessageTree() {}

  static List<Message> of(Message root) {
    List<Message> all = new ArrayList<>();
    collect(root, all);
    return all;
  }

  private static void collect(Message message, List<Message> all) {
    if (message instanceof Any any) {
      EnvoyTypes.unpack(any).ifPresent(inner -> collect(inner, all));
      return;
    }
    all.add(message);
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      if (field.getKey().getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      if (field.getValue() instanceof List<?> values) {
        values.forEach(v -> collect((Message) v, all));
      } else {
        collect((Message) field.getValue(), all);
      }
    }
  }
}
