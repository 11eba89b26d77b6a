package io.llmxds.cp.policy;

/** Turns a YAML value into a typed, checked value of a policy field. */
@FunctionalInterface
interface Conversion<T> {

  T convert(YamlNode node) throws InvalidValue;

  /** This conversion followed by a check or transformation of its result. */
  default <R> Conversion<R> then(Check<T, R> next) {
    return node -> next.apply(convert(node));
  }

  @FunctionalInterface
  interface Check<T, R> {
    R apply(T value) throws InvalidValue;
  }
}
