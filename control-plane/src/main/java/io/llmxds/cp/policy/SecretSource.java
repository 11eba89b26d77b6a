package io.llmxds.cp.policy;

/** Reads the secret a provider's {@code credentials.secretFile} names; the only I/O a decoder asks for. */
@FunctionalInterface
interface SecretSource {

  /**
   * @param secretFile the path as written in the policy (relative to the policy directory, or absolute)
   * @throws InvalidValue when the file is missing, unreadable or empty; the reason names the path, never the contents
   */
  SecretValue read(String secretFile) throws InvalidValue;
}
