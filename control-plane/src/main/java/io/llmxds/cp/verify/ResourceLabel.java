package io.llmxds.cp.verify;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.List;

/** How every verify line names a resource: its type and name, e.g. {@code Cluster provider/openai}. */
public final class ResourceLabel {

  private ResourceLabel() {}

  /** The type and its {@code name} (an endpoint assignment's {@code cluster_name}). */
  public static String of(Message resource) {
    String type = resource.getDescriptorForType().getName();
    for (String nameField : List.of("name", "cluster_name")) {
      FieldDescriptor field = resource.getDescriptorForType().findFieldByName(nameField);
      if (field != null && field.getType() == FieldDescriptor.Type.STRING && !field.isRepeated()) {
        return type + " " + resource.getField(field);
      }
    }
    return type;
  }
}
