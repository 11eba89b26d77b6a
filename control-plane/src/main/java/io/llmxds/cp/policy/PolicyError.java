package io.llmxds.cp.policy;

/**
 * One problem in a policy directory, located like a compiler error.
 *
 * @param file the file, relative to the policy directory
 * @param line 1-based line, 0 when unknown
 * @param column 1-based column, 0 when unknown
 * @param path where inside the document, e.g. {@code ModelRoute/chat: spec.backends[1].weight}
 * @param reason what is wrong, in words
 */
public record PolicyError(String file, int line, int column, String path, String reason) {

  /** {@code file:line:column: path: reason}, the form editors and CI logs link to. */
  public String format() {
    return file + ":" + line + ":" + column + ": " + path + ": " + reason;
  }

  @Override
  public String toString() {
    return format();
  }
}
