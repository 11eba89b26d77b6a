package io.llmxds.cp.policy;

/**
 * Reads the files a policy names (a provider's secret, its CA certificates); the only I/O a decoder asks for. Each
 * reason names the path as written, never the contents.
 */
interface ReferencedFiles {

  /**
   * @param secretFile the path as written in the policy (relative to the policy directory, or absolute)
   * @throws InvalidValue when the file is missing, unreadable or empty, or holds a line break
   */
  SecretValue secret(String secretFile) throws InvalidValue;

  /**
   * @param pemFile the path as written in the policy (relative to the policy directory, or absolute)
   * @throws InvalidValue when the file is missing or unreadable, or is not a list of PEM X.509 certificates
   */
  PemCertificates certificates(String pemFile) throws InvalidValue;
}
