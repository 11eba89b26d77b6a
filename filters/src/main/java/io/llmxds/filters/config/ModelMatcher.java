package io.llmxds.filters.config;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.Objects;
import java.util.Optional;

/**
 * How a data-path route matches the model a request body names: its {@code x-llm-model} header matcher, {@code exact}
 * or {@code safe_regex} against the whole value (RE2, as Envoy matches it). Equal when of the same kind and text, so
 * an unchanged table compares equal.
 */
public final class ModelMatcher {
  /** The built-in default's: every chat request, with a model or without. */
  static final ModelMatcher EVERY_REQUEST = new ModelMatcher(Kind.EVERY_REQUEST, "", null);

  private enum Kind { EXACT, SAFE_REGEX, EVERY_REQUEST }

  private final Kind kind;
  private final String text;
  private final Pattern regex;

  private ModelMatcher(Kind kind, String text, Pattern regex) {
    this.kind = kind;
    this.text = text;
    this.regex = regex;
  }

  static ModelMatcher exact(String model) {
    return new ModelMatcher(Kind.EXACT, model, null);
  }

  /** @throws IllegalArgumentException when {@code regex} is not RE2 syntax */
  static ModelMatcher safeRegex(String regex) {
    try {
      return new ModelMatcher(Kind.SAFE_REGEX, regex, Pattern.compile(regex));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("not an RE2 regex: " + e.getMessage(), e);
    }
  }

  boolean matches(Optional<String> model) {
    return switch (kind) {
      case EVERY_REQUEST -> true;
      case EXACT -> model.filter(text::equals).isPresent();
      case SAFE_REGEX -> model.filter(m -> regex.matcher(m).matches()).isPresent();
    };
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ModelMatcher m && m.kind == kind && m.text.equals(text);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, text);
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(java.util.Locale.ROOT) + (kind == Kind.EVERY_REQUEST ? "" : " " + text);
  }
}
