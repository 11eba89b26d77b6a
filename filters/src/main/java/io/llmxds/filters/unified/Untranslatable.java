package io.llmxds.filters.unified;

/**
 * A body one API accepts that the other cannot say faithfully: the field (a JSON path of the body that was being
 * translated, e.g. {@code messages[2].content[0].type}, {@code n}) and why. The client gets a 400 naming it; a
 * provider answer that cannot be translated names the provider's field.
 */
public final class Untranslatable extends Exception {
  private final String field;
  private final String reason;

  public Untranslatable(String field, String reason) {
    super(field + ": " + reason);
    this.field = field;
    this.reason = reason;
  }

  /** The JSON path of the field ({@code ""} for the body as a whole). */
  public String field() {
    return field;
  }

  public String reason() {
    return reason;
  }
}
