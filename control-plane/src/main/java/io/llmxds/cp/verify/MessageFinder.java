package io.llmxds.cp.verify;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Internal;
import com.google.protobuf.Message;
import io.llmxds.cp.translate.EnvoyTypes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Finds the messages of a few types inside a resource, depth first, unpacking every {@code Any} the translation can
 * produce — like {@link MessageTree}, but it descends only into fields whose type can contain a wanted type (through
 * message fields, map values, or an {@code Any}, which may hold any type of {@link EnvoyTypes#packedTypes()}), and
 * parses an {@code Any} only when its own type can. Why: a reference check over a 2,000-route snapshot that visits
 * every message reflectively cost more than the translation it checks. What can reach what is worked out once per
 * type from the descriptors.
 */
public final class MessageFinder {
  private final Set<Descriptor> wanted;
  private final Map<Descriptor, Boolean> reaches = new ConcurrentHashMap<>();
  private final Map<Descriptor, FieldDescriptor[]> worthVisiting = new ConcurrentHashMap<>();

  private MessageFinder(Set<Descriptor> wanted) {
    this.wanted = wanted;
  }

  @SafeVarargs
  public static MessageFinder of(Class<? extends Message>... types) {
    Set<Descriptor> wanted = new HashSet<>();
    Arrays.stream(types).forEach(t -> wanted.add(Internal.getDefaultInstance(t).getDescriptorForType()));
    return new MessageFinder(Set.copyOf(wanted));
  }

  /** Every wanted message inside {@code root} (and {@code root} itself if wanted), depth first. */
  List<Message> in(Message root, UnpackedAnys anys) {
    List<Message> found = new ArrayList<>();
    visit(root, anys, (message, path) -> found.add(message));
    return found;
  }

  /** The messages of {@code type} (one of the wanted types) inside {@code root}. */
  <T extends Message> List<T> in(Message root, Class<T> type, UnpackedAnys anys) {
    return in(root, anys).stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** Sees one wanted message; {@code path} renders where it is, and is valid only during the call. */
  public interface Visitor {
    void visit(Message message, Supplier<String> path);
  }

  /**
   * Every wanted message inside {@code root}, depth first, with its path from {@code root} (as the verify lines
   * show paths: {@code [i]}, {@code [key]}, {@code <Type>}). An {@code Any} whose value does not parse is skipped.
   */
  public void visit(Message root, UnpackedAnys anys, Visitor visitor) {
    visit(root, anys, new FieldPath(), visitor);
  }

  private void visit(Message message, UnpackedAnys anys, FieldPath path, Visitor visitor) {
    if (message instanceof Any any) {
      if (EnvoyTypes.packedType(any).map(this::reaches).orElse(false)) {
        Optional<Message> inner;
        try {
          inner = anys.unpack(any);
        } catch (IllegalArgumentException e) {
          return;
        }
        inner.ifPresent(m -> {
          path.pushUnpacked(m.getDescriptorForType());
          visit(m, anys, path, visitor);
          path.pop();
        });
      }
      return;
    }
    Descriptor type = message.getDescriptorForType();
    if (wanted.contains(type)) {
      visitor.visit(message, path::toString);
    }
    for (FieldDescriptor field : fieldsToVisit(type)) {
      if (field.isMapField()) {
        FieldDescriptor key = field.getMessageType().findFieldByName("key");
        FieldDescriptor value = field.getMessageType().findFieldByName("value");
        int count = message.getRepeatedFieldCount(field);
        for (int i = 0; i < count; i++) {
          Message entry = (Message) message.getRepeatedField(field, i);
          path.pushKey(field, entry.getField(key));
          visit((Message) entry.getField(value), anys, path, visitor);
          path.popKey();
        }
      } else if (field.isRepeated()) {
        int count = message.getRepeatedFieldCount(field);
        for (int i = 0; i < count; i++) {
          path.push(field, i);
          visit((Message) message.getRepeatedField(field, i), anys, path, visitor);
          path.pop();
        }
      } else if (message.hasField(field)) {
        path.push(field);
        visit((Message) message.getField(field), anys, path, visitor);
        path.pop();
      }
    }
  }

  private FieldDescriptor[] fieldsToVisit(Descriptor type) {
    FieldDescriptor[] fields = worthVisiting.get(type);
    if (fields == null) {
      fields = type.getFields().stream()
          .filter(f -> f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && reaches(f.getMessageType()))
          // By number, as Message.getAllFields orders them: problems come out in the order they always did.
          .sorted(Comparator.comparingInt(FieldDescriptor::getNumber))
          .toArray(FieldDescriptor[]::new);
      worthVisiting.put(type, fields);
    }
    return fields;
  }

  /** Whether a message of {@code type} can contain (or be) a wanted message. */
  private boolean reaches(Descriptor type) {
    Boolean known = reaches.get(type);
    if (known == null) {
      known = search(type);
      reaches.put(type, known);
    }
    return known;
  }

  private boolean search(Descriptor root) {
    Deque<Descriptor> todo = new ArrayDeque<>(List.of(root));
    Set<Descriptor> seen = new HashSet<>(todo);
    while (!todo.isEmpty()) {
      Descriptor type = todo.pop();
      if (wanted.contains(type)) {
        return true;
      }
      for (Descriptor next : children(type)) {
        if (seen.add(next)) {
          todo.push(next);
        }
      }
    }
    return false;
  }

  private static List<Descriptor> children(Descriptor type) {
    if (type == Any.getDescriptor()) {
      return EnvoyTypes.packedTypes();
    }
    return type.getFields().stream().filter(f -> f.getJavaType() == FieldDescriptor.JavaType.MESSAGE)
        .map(FieldDescriptor::getMessageType).toList();
  }
}
