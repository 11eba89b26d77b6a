package io.llmxds.cp.policy;

import java.time.Duration;
import java.util.Optional;

/**
 * An upstream LLM endpoint.
 *
 * @param tls true for {@code https} base URLs: TLS with SNI {@code sni}
 * @param pathPrefix the base URL's path ("" or e.g. "/openai"), prepended to the client's path
 */
public record Provider(
    String name,
    String host,
    int port,
    boolean tls,
    String sni,
    String pathPrefix,
    Duration connectTimeout,
    Optional<Credentials> credentials) {

  /**
   * A credential Envoy adds to every upstream request: header {@code header} with value {@code prefix + secret}.
   *
   * @param secretFile the file the secret was read from, as written in the policy (relative to the policy dir)
   */
  public record Credentials(String header, String prefix, String secretFile, SecretValue secret) {}
}
