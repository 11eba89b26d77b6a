package io.llmxds.cp.verify;

/**
 * One broken {@code validate.rules} rule.
 *
 * @param resource the resource's type and name, e.g. {@code Cluster provider/openai}
 * @param path the field from the resource root, e.g. {@code load_assignment.endpoints[0].lb_endpoints}
 * @param rule the rule as Envoy's proto states it, e.g. {@code duration {gt: 0s}}
 * @param value the offending value as text ({@code <redacted>} for secrets, {@code <unset>} for a missing one)
 */
public record Violation(String resource, String path, String rule, String value) {

  /** {@code <resource>: <path>: <rule> (value: <value>)}. */
  @Override
  public String toString() {
    return resource + ": " + path + ": " + rule + " (value: " + value + ")";
  }
}
