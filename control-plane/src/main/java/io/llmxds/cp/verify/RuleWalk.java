package io.llmxds.cp.verify;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.UInt32Value;
import java.util.List;
import java.util.Optional;

/**
 * One depth-first walk over a resource: required oneofs and messages, then every field that has rules or may hold
 * some, each list item and map entry, and the message inside every {@code Any} (as Envoy validates a
 * {@code typed_config} when it builds the extension). An {@code Any} the translation cannot have produced is a
 * violation itself, so nothing passes unread.
 */
final class RuleWalk implements Findings {

  static final String UNKNOWN_ANY = "any: type not produced by the translation";
  static final String UNPARSABLE_ANY = "any: value does not parse as its type";
  private static final String REQUIRED_ONEOF = "oneof {required: true}";

  private final String resource;
  private final UnpackedAnys anys;
  private final List<Violation> out;
  private final FieldPath path = new FieldPath();
  private int sensitiveDepth;

  private RuleWalk(String resource, UnpackedAnys anys, List<Violation> out) {
    this.resource = resource;
    this.anys = anys;
    this.out = out;
  }

  /** Adds every violation in {@code root} to {@code out}; {@code resource} labels them. */
  static void walk(String resource, Message root, UnpackedAnys anys, List<Violation> out) {
    new RuleWalk(resource, anys, out).message(root);
  }

  @Override
  public void add(String rule, Object value) {
    out.add(new Violation(resource, path.toString(), rule,
        sensitiveDepth > 0 ? ShownValue.REDACTED : ShownValue.of(value)));
  }

  private void message(Message message) {
    MessagePlan plan = MessagePlan.of(message.getDescriptorForType());
    for (OneofDescriptor oneof : plan.requiredOneofs()) {
      if (!message.hasOneof(oneof)) {
        path.push(oneof);
        add(REQUIRED_ONEOF, ShownValue.Text.UNSET);
        path.pop();
      }
    }
    for (FieldPlan field : plan.fields()) {
      if (field.sensitive()) {
        sensitiveDepth++;
      }
      field(message, field);
      if (field.sensitive()) {
        sensitiveDepth--;
      }
    }
  }

  private void field(Message message, FieldPlan plan) {
    FieldDescriptor field = plan.field();
    if (field.isRepeated()) {
      int count = message.getRepeatedFieldCount(field);
      if (plan.shape() != null) {
        path.push(field);
        plan.shape().check(message, field, count, this);
        path.pop();
      }
      for (int i = 0; i < count; i++) {
        if (field.isMapField()) {
          entry(plan, (Message) message.getRepeatedField(field, i));
        } else {
          path.push(field, i);
          value(plan, message.getRepeatedField(field, i));
          path.pop();
        }
      }
    } else if (field.hasPresence() && !message.hasField(field)) {
      // A oneof member's rules apply only when it is the member set (a required oneof is checked above).
      if (plan.requiredRule() != null && field.getRealContainingOneof() == null) {
        path.push(field);
        add(plan.requiredRule(), ShownValue.Text.UNSET);
        path.pop();
      }
    } else {
      path.push(field);
      value(plan, message.getField(field));
      path.pop();
    }
  }

  private void entry(FieldPlan plan, Message entry) {
    FieldDescriptor keyField = entry.getDescriptorForType().findFieldByNumber(1);
    FieldDescriptor valueField = entry.getDescriptorForType().findFieldByNumber(2);
    Object key = entry.getField(keyField);
    path.pushKey(plan.field(), key);
    if (plan.key() != null) {
      plan.key().check(key, this);
    }
    value(plan, entry.getField(valueField));
    path.popKey();
  }

  private void value(FieldPlan plan, Object value) {
    if (!(value instanceof Message message)) {
      if (plan.value() != null) {
        plan.value().check(value, this);
      }
      return;
    }
    if (plan.value() != null) {
      // Rules on a wrapper (UInt32Value, StringValue, …) constrain the value it wraps.
      plan.value().check(isWrapper(message) ? message.getField(message.getDescriptorForType().findFieldByNumber(1))
          : message, this);
    }
    if (plan.skip()) {
      return;
    }
    if (message instanceof Any any) {
      unpacked(any);
    } else {
      message(message);
    }
  }

  private void unpacked(Any any) {
    Optional<Message> inner;
    try {
      inner = anys.unpack(any);
    } catch (IllegalArgumentException e) {
      add(UNPARSABLE_ANY, any.getTypeUrl());
      return;
    }
    if (inner.isEmpty()) {
      add(UNKNOWN_ANY, any.getTypeUrl());
      return;
    }
    path.pushUnpacked(inner.get().getDescriptorForType());
    message(inner.get());
    path.pop();
  }

  private static boolean isWrapper(Message message) {
    return message.getDescriptorForType().getFile() == UInt32Value.getDescriptor().getFile();
  }
}
