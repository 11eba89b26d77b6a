package io.llmxds.cp.policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A parsed YAML value that remembers where it was written, so every policy error can point at its source. */
sealed interface YamlNode {

  Location location();

  /** What kind of value this is, in words, for "expected X, got Y" errors (never the value itself). */
  String describe();

  /** A 1-based line and column in a policy file. */
  record Location(int line, int column) {

    @Override
    public String toString() {
      return line + ":" + column;
    }
  }

  /** A key of a mapping, located at the key, with its value. */
  record Field(Location keyLocation, YamlNode value) {}

  /** A mapping, in the order its keys were written. */
  record Mapping(Location location, Map<String, Field> fields) implements YamlNode {
    public Mapping {
      fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    @Override
    public String describe() {
      return "a mapping";
    }
  }

  record Sequence(Location location, List<YamlNode> items) implements YamlNode {
    public Sequence {
      items = List.copyOf(items);
    }

    @Override
    public String describe() {
      return "a list";
    }
  }

  /**
   * A scalar as YAML typed it.
   *
   * @param text the scalar's text; integers are normalized to decimal ({@code 0x1F} becomes {@code 31})
   */
  record Scalar(Location location, ScalarType type, String text) implements YamlNode {
    @Override
    public String describe() {
      return type.description();
    }
  }

  enum ScalarType {
    STRING("a string"),
    INTEGER("an integer"),
    FLOAT("a decimal number"),
    BOOLEAN("a boolean"),
    NULL("nothing (null)");

    private final String description;

    ScalarType(String description) {
      this.description = description;
    }

    String description() {
      return description;
    }
  }
}
