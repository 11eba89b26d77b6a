package io.llmxds.cp.policy;

import java.util.List;
import java.util.function.Function;

/**
 * The fields a mapping may have, and what to say about a field it may not have.
 *
 * @param names the known field names, in the order the reference documents them
 * @param unknownReason the reason given for an unknown field name
 */
record FieldSet(List<String> names, Function<String, String> unknownReason) {

  FieldSet {
    names = List.copyOf(names);
  }

  static FieldSet of(String... names) {
    List<String> known = List.of(names);
    String list = String.join(", ", known.stream().sorted().toList());
    return new FieldSet(known, name -> "unknown field \"" + name + "\" (known: " + list + ")");
  }

  /** The same fields, with a more specific reason for anything else. */
  FieldSet unknownFieldsMean(Function<String, String> reason) {
    return new FieldSet(names, reason);
  }

  /** The same fields, and what to say about {@code field}, which a policy may no longer have. */
  FieldSet withRemoved(String field, String reason) {
    Function<String, String> others = unknownReason;
    return new FieldSet(names, name -> name.equals(field) ? "field \"" + field + "\" " + reason : others.apply(name));
  }

  boolean contains(String name) {
    return names.contains(name);
  }
}
