package io.llmxds.cp.policy;

/**
 * A value that cannot be accepted, with the reason in words. It never leaves the policy package: the reader that
 * caught it turns it into a located {@link PolicyError}.
 */
final class InvalidValue extends Exception {

  InvalidValue(String reason) {
    super(reason, null, false, false);
  }
}
