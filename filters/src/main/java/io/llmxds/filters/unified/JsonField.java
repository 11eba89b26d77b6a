package io.llmxds.filters.unified;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A field of a body being translated, with its JSON path ({@code messages[2].content[0].type}), so that every
 * refusal names exactly what it refuses. {@code null} counts as absent, as both APIs treat it. Every typed read
 * throws {@link Untranslatable} naming the field instead of failing any other way.
 */
record JsonField(String path, JsonNode node) {
  static final ObjectMapper JSON = new ObjectMapper();

  static JsonField root(JsonNode body) {
    return new JsonField("", body);
  }

  JsonField get(String name) {
    return new JsonField(path.isEmpty() ? name : path + "." + name, node == null ? null : node.get(name));
  }

  boolean present() {
    return node != null && !node.isNull() && !node.isMissingNode();
  }

  /** Present and a string (where a field may be a string or something else). */
  boolean isText() {
    return present() && node.isTextual();
  }

  String text() throws Untranslatable {
    if (!present() || !node.isTextual()) {
      throw wrong("a string");
    }
    return node.asText();
  }

  Optional<String> optionalText() throws Untranslatable {
    return present() ? Optional.of(text()) : Optional.empty();
  }

  ObjectNode object() throws Untranslatable {
    if (!present() || !node.isObject()) {
      throw wrong("an object");
    }
    return (ObjectNode) node;
  }

  /** The elements of an array field. */
  List<JsonField> items() throws Untranslatable {
    if (!present() || !node.isArray()) {
      throw wrong("an array");
    }
    List<JsonField> items = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      items.add(new JsonField(path + "[" + i + "]", node.get(i)));
    }
    return items;
  }

  private List<String> names() throws Untranslatable {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = object().fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  /** The names of an object field's members that are not {@code null}. */
  List<String> presentNames() throws Untranslatable {
    List<String> names = new ArrayList<>();
    for (String name : names()) {
      if (get(name).present()) {
        names.add(name);
      }
    }
    return names;
  }

  /** Refuses any member but {@code allowed}: it has no equivalent in {@code otherApi}. */
  void onlyMembers(Set<String> allowed, String otherApi) throws Untranslatable {
    for (String name : presentNames()) {
      if (!allowed.contains(name)) {
        throw get(name).untranslatable("has no equivalent in " + otherApi);
      }
    }
  }

  JsonNode number() throws Untranslatable {
    if (!present() || !node.isNumber()) {
      throw wrong("a number");
    }
    return node;
  }

  long count() throws Untranslatable {
    if (!present() || !node.isIntegralNumber() || !node.canConvertToLong()) {
      throw wrong("an integer");
    }
    return node.asLong();
  }

  /** An integer field that may be absent (then 0). */
  long countOrZero() throws Untranslatable {
    return present() ? count() : 0;
  }

  boolean bool() throws Untranslatable {
    if (!present() || !node.isBoolean()) {
      throw wrong("a boolean");
    }
    return node.asBoolean();
  }

  /** This field cannot be said in the other API. */
  Untranslatable untranslatable(String reason) {
    return new Untranslatable(path, reason);
  }

  private Untranslatable wrong(String expected) {
    return new Untranslatable(path, present() ? "must be " + expected : "is required (" + expected + ")");
  }
}
