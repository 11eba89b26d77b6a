package io.llmxds.cp.policy;

import io.llmxds.cp.policy.YamlNode.Field;
import io.llmxds.cp.policy.YamlNode.Location;
import io.llmxds.cp.policy.YamlNode.Mapping;
import io.llmxds.cp.policy.YamlNode.Sequence;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Reads the fields of one YAML mapping into typed values. Every problem becomes a located error in the document's
 * scope instead of an exception, so that one pass reports everything; a reader that met a problem yields empty
 * values, and the decoders build a record only from a document without errors.
 */
final class MappingReader {

  /** One element of a list, with its path ({@code spec.models[2]}) for errors found later. */
  record Item<T>(String path, T value) {}

  /** A key of a free-form mapping (e.g. tier values), with its path. */
  record Entry(String key, String path, Location keyLocation, YamlNode value) {}

  /** Keys that read unambiguously after a dot in a path; others are written {@code limits["a key"]}. */
  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");

  private final Mapping mapping;
  private final String path;
  private final DocumentScope scope;
  private final FieldSet fields;

  private MappingReader(Mapping mapping, String path, DocumentScope scope, FieldSet fields) {
    this.mapping = mapping;
    this.path = path;
    this.scope = scope;
    this.fields = fields;
  }

  /** A reader of {@code node}, which must be a mapping with only the given fields (reported here if not). */
  static Optional<MappingReader> of(YamlNode node, String path, DocumentScope scope, FieldSet fields) {
    scope.remember(path, node.location());
    if (!(node instanceof Mapping mapping)) {
      scope.error(node.location(), path, "expected a mapping, got " + node.describe());
      return Optional.empty();
    }
    mapping.fields().forEach((key, field) -> {
      if (!fields.contains(key)) {
        scope.error(field.keyLocation(), path, fields.unknownReason().apply(key));
      }
    });
    return Optional.of(new MappingReader(mapping, path, scope, fields));
  }

  DocumentScope scope() {
    return scope;
  }

  String pathOf(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** The record, if nothing in the whole document was wrong (then every required value is present). */
  <T> Optional<T> build(Supplier<T> record) {
    return scope.hasErrors() ? Optional.empty() : Optional.of(record.get());
  }

  /** An error at a field of this mapping (or at the mapping, if the field is absent). */
  void error(String key, String reason) {
    Field field = mapping.fields().get(key);
    scope.error(field == null ? mapping.location() : field.value().location(), pathOf(key), reason);
  }

  Optional<YamlNode> node(String key) {
    if (!fields.contains(key)) {
      throw new IllegalArgumentException("field " + key + " is not declared in " + fields.names());
    }
    Field field = mapping.fields().get(key);
    if (field == null) {
      return Optional.empty();
    }
    scope.remember(pathOf(key), field.value().location());
    return Optional.of(field.value());
  }

  private Optional<YamlNode> requiredNode(String key) {
    Optional<YamlNode> node = node(key);
    if (node.isEmpty()) {
      scope.error(mapping.location(), pathOf(key), "required field is missing");
    }
    return node;
  }

  <T> Optional<T> optional(String key, Conversion<T> conversion) {
    return node(key).flatMap(node -> convert(node, pathOf(key), conversion));
  }

  <T> T optional(String key, Conversion<T> conversion, T orElse) {
    return optional(key, conversion).orElse(orElse);
  }

  <T> Optional<T> required(String key, Conversion<T> conversion) {
    return requiredNode(key).flatMap(node -> convert(node, pathOf(key), conversion));
  }

  /** An optional name of another policy, remembered for the bundle-wide check that it exists. */
  Optional<String> reference(String key, Kind kind) {
    Optional<String> name = optional(key, Values.NAME);
    name.ifPresent(n -> scope.refer(kind, n, pathOf(key)));
    return name;
  }

  Optional<MappingReader> optionalMapping(String key, FieldSet nested) {
    return node(key).flatMap(node -> of(node, pathOf(key), scope, nested));
  }

  Optional<MappingReader> requiredMapping(String key, FieldSet nested) {
    return requiredNode(key).flatMap(node -> of(node, pathOf(key), scope, nested));
  }

  /** A list whose elements are all different; absent is fine, empty too. */
  <T> Optional<List<Item<T>>> optionalList(String key, Conversion<T> elements) {
    return node(key).flatMap(node -> sequence(node, pathOf(key))).map(sequence -> items(sequence, pathOf(key), elements));
  }

  /** The items of an optional list, each with its path, for lists whose items take several forms. */
  List<Item<YamlNode>> optionalNodes(String key) {
    List<Item<YamlNode>> items = new ArrayList<>();
    node(key).flatMap(node -> sequence(node, pathOf(key))).ifPresent(sequence -> {
      for (int i = 0; i < sequence.items().size(); i++) {
        String itemPath = pathOf(key) + "[" + i + "]";
        scope.remember(itemPath, sequence.items().get(i).location());
        items.add(new Item<>(itemPath, sequence.items().get(i)));
      }
    });
    return items;
  }

  /** One item of {@link #optionalNodes} as a value; reported where it is written when it is not one. */
  <T> Optional<T> convert(Item<YamlNode> item, Conversion<T> conversion) {
    return convert(item.value(), item.path(), conversion);
  }

  /** A non-empty list whose elements are all different; empty when absent or wrong (reported). */
  <T> List<Item<T>> requiredList(String key, Conversion<T> elements) {
    return nonEmptySequence(key).map(sequence -> items(sequence, pathOf(key), elements)).orElse(List.of());
  }

  /** A non-empty list of mappings with the given fields. */
  List<MappingReader> requiredMappings(String key, FieldSet nested) {
    List<MappingReader> readers = new ArrayList<>();
    List<YamlNode> items = nonEmptySequence(key).map(Sequence::items).orElse(List.of());
    for (int i = 0; i < items.size(); i++) {
      of(items.get(i), pathOf(key) + "[" + i + "]", scope, nested).ifPresent(readers::add);
    }
    return readers;
  }

  /** A non-empty mapping whose keys are data (not field names); empty when absent or wrong (reported). */
  List<Entry> requiredEntries(String key) {
    return requiredNode(key).map(node -> entries(key, node, false)).orElse(List.of());
  }

  /** A mapping whose keys are data, possibly empty; empty when absent or wrong (reported). */
  List<Entry> optionalEntries(String key) {
    return node(key).map(node -> entries(key, node, true)).orElse(List.of());
  }

  private List<Entry> entries(String key, YamlNode node, boolean mayBeEmpty) {
    if (!(node instanceof Mapping map)) {
      error(key, "expected a mapping, got " + node.describe());
      return List.of();
    }
    if (map.fields().isEmpty() && !mayBeEmpty) {
      error(key, "must not be empty");
    }
    List<Entry> entries = new ArrayList<>();
    map.fields().forEach((k, field) -> {
      String entryPath = pathOf(key) + (PLAIN_KEY.matcher(k).matches() ? "." + k : "[\"" + k + "\"]");
      scope.remember(entryPath, field.value().location());
      entries.add(new Entry(k, entryPath, field.keyLocation(), field.value()));
    });
    return entries;
  }

  private Optional<Sequence> nonEmptySequence(String key) {
    Optional<Sequence> sequence = requiredNode(key).flatMap(node -> sequence(node, pathOf(key)));
    if (sequence.isPresent() && sequence.get().items().isEmpty()) {
      error(key, "must not be empty");
      return Optional.empty();
    }
    return sequence;
  }

  private <T> List<Item<T>> items(Sequence sequence, String listPath, Conversion<T> elements) {
    List<Item<T>> items = new ArrayList<>();
    Map<T, String> seen = new HashMap<>();
    for (int i = 0; i < sequence.items().size(); i++) {
      String itemPath = listPath + "[" + i + "]";
      YamlNode itemNode = sequence.items().get(i);
      scope.remember(itemPath, itemNode.location());
      convert(itemNode, itemPath, elements).ifPresent(value -> {
        String first = seen.putIfAbsent(value, itemPath);
        if (first != null) {
          scope.error(itemNode.location(), itemPath, "\"" + value + "\" is listed twice (also at " + first + ")");
        } else {
          items.add(new Item<>(itemPath, value));
        }
      });
    }
    return items;
  }

  private Optional<Sequence> sequence(YamlNode node, String listPath) {
    if (node instanceof Sequence sequence) {
      return Optional.of(sequence);
    }
    scope.error(node.location(), listPath, "expected a list, got " + node.describe());
    return Optional.empty();
  }

  private <T> Optional<T> convert(YamlNode node, String valuePath, Conversion<T> conversion) {
    try {
      return Optional.of(conversion.convert(node));
    } catch (InvalidValue e) {
      scope.error(node.location(), valuePath, e.getMessage());
      return Optional.empty();
    }
  }
}
