package io.llmxds.cp.verify;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import io.envoyproxy.pgv.validate.Validate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rules of one message type, compiled once and shared: its required oneofs and the fields worth visiting (those
 * with rules, and message fields whose types may hold rules). A type marked {@code (validate.disabled)} or
 * {@code (validate.ignored)} has none; so have protobuf's own well-known types, except {@code Any}, which the walk
 * unpacks.
 */
record MessagePlan(List<OneofDescriptor> requiredOneofs, FieldPlan[] fields) {

  private static final Map<Descriptor, MessagePlan> PLANS = new ConcurrentHashMap<>();
  private static final MessagePlan NONE = new MessagePlan(List.of(), new FieldPlan[0]);

  static MessagePlan of(Descriptor type) {
    MessagePlan plan = PLANS.get(type);
    return plan != null ? plan : PLANS.computeIfAbsent(type, MessagePlan::compile);
  }

  /** Whether values of this (message) field may break a rule somewhere inside. */
  static boolean mayHoldRules(FieldDescriptor field) {
    FieldDescriptor value = field.isMapField() ? field.getMessageType().findFieldByNumber(2) : field;
    return value.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !isProtobufOwn(value.getMessageType());
  }

  private static MessagePlan compile(Descriptor type) {
    if (isProtobufOwn(type) || type.getOptions().getExtension(Validate.disabled)
        || type.getOptions().getExtension(Validate.ignored)) {
      return NONE;
    }
    List<OneofDescriptor> oneofs = type.getRealOneofs().stream()
        .filter(o -> o.getOptions().getExtension(Validate.required)).toList();
    FieldPlan[] fields = type.getFields().stream().map(FieldPlan::of).filter(FieldPlan::matters)
        .toArray(FieldPlan[]::new);
    return new MessagePlan(oneofs, fields);
  }

  /** google.protobuf's types (wrappers, Duration, Struct, …) carry no rules; Any is unpacked, not walked. */
  private static boolean isProtobufOwn(Descriptor type) {
    return type.getFile().getPackage().equals("google.protobuf") && type != Any.getDescriptor();
  }
}
