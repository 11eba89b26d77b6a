package io.llmxds.filters.config;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The fields of one metadata namespace of a resource (our schema, docs/data-path-config.md), read with errors that
 * say where: {@code <where>: <namespace>.<key> ...}. Numbers are JSON numbers that must be whole and in range.
 */
final class MetadataFields {
  private final String where;
  private final Struct fields;

  private MetadataFields(String where, Struct fields) {
    this.where = where;
    this.fields = fields;
  }

  /** @throws ConfigException when the resource has no metadata in {@code namespace} */
  static MetadataFields of(Metadata metadata, String namespace, String resource) throws ConfigException {
    Struct fields = metadata.getFilterMetadataMap().get(namespace);
    if (fields == null) {
      throw new ConfigException(resource + ": no metadata " + namespace);
    }
    return new MetadataFields(resource + ": " + namespace, fields);
  }

  /** Where the fields are, as errors name it: {@code <resource>: <namespace>[.<key>…]}. */
  String where() {
    return where;
  }

  boolean has(String key) {
    return fields.getFieldsMap().containsKey(key);
  }

  /** The field names, in name order. */
  java.util.SortedSet<String> keys() {
    return new java.util.TreeSet<>(fields.getFieldsMap().keySet());
  }

  /** The field {@code key}, which must be a struct, read the same way. */
  MetadataFields struct(String key) throws ConfigException {
    Value value = fields.getFieldsMap().get(key);
    if (value == null || !value.hasStructValue()) {
      throw new ConfigException(where + "." + key + " must be a struct");
    }
    return new MetadataFields(where + "." + key, value.getStructValue());
  }

  /** The field {@code key}, which must be a list of structs, each read the same way ({@code <key>[<i>]}). */
  List<MetadataFields> structs(String key) throws ConfigException {
    Value value = fields.getFieldsMap().get(key);
    if (value == null || !value.hasListValue()) {
      throw new ConfigException(where + "." + key + " must be a list of structs");
    }
    List<MetadataFields> structs = new ArrayList<>();
    List<Value> items = value.getListValue().getValuesList();
    for (int i = 0; i < items.size(); i++) {
      if (!items.get(i).hasStructValue()) {
        throw new ConfigException(where + "." + key + "[" + i + "] must be a struct");
      }
      structs.add(new MetadataFields(where + "." + key + "[" + i + "]", items.get(i).getStructValue()));
    }
    return structs;
  }

  /** The optional bool field {@code key}. */
  boolean flag(String key, boolean absent) throws ConfigException {
    Value value = fields.getFieldsMap().get(key);
    if (value == null) {
      return absent;
    }
    if (!value.hasBoolValue()) {
      throw new ConfigException(where + "." + key + " must be true or false");
    }
    return value.getBoolValue();
  }

  /** The number field {@code key}, which must be finite and above zero (not necessarily whole). */
  double positive(String key) throws ConfigException {
    Value value = fields.getFieldsMap().get(key);
    if (value == null || !value.hasNumberValue() || !(value.getNumberValue() > 0)
        || Double.isInfinite(value.getNumberValue())) {
      throw new ConfigException(where + "." + key + " must be a number above 0");
    }
    return value.getNumberValue();
  }

  /** Whether the field {@code key} is a string (else it may be a number). */
  boolean isString(String key) {
    Value value = fields.getFieldsMap().get(key);
    return value != null && value.hasStringValue();
  }

  /** The optional field {@code key}: a list of non-empty strings. */
  Optional<List<String>> optionalStrings(String key) throws ConfigException {
    Value value = fields.getFieldsMap().get(key);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.hasListValue()) {
      throw new ConfigException(where + "." + key + " must be a list of strings");
    }
    List<String> strings = new ArrayList<>();
    for (Value item : value.getListValue().getValuesList()) {
      if (!item.hasStringValue() || item.getStringValue().isEmpty()) {
        throw new ConfigException(where + "." + key + " must be a list of non-empty strings");
      }
      strings.add(item.getStringValue());
    }
    return Optional.of(strings);
  }

  String string(String key) throws ConfigException {
    return optionalString(key).orElseThrow(() -> new ConfigException(where + "." + key + " missing"));
  }

  Optional<String> optionalString(String key) throws ConfigException {
    Value value = fields.getFieldsMap().get(key);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.hasStringValue() || value.getStringValue().isEmpty()) {
      throw new ConfigException(where + "." + key + " must be a non-empty string");
    }
    return Optional.of(value.getStringValue());
  }

  long number(String key, long min, long max) throws ConfigException {
    Value value = fields.getFieldsMap().get(key);
    if (value == null) {
      throw new ConfigException(where + "." + key + " missing");
    }
    return whole(key, value, min, max);
  }

  long number(String key, long min, long max, long absent) throws ConfigException {
    Value value = fields.getFieldsMap().get(key);
    return value == null ? absent : whole(key, value, min, max);
  }

  private long whole(String key, Value value, long min, long max) throws ConfigException {
    double n = value.getNumberValue();
    if (!value.hasNumberValue() || n != Math.rint(n) || n < min || n > max) {
      throw new ConfigException(where + "." + key + " must be a whole number from " + min + " to " + max);
    }
    return (long) n;
  }
}
