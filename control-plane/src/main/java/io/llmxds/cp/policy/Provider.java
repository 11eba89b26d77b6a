package io.llmxds.cp.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.util.Optional;

/**
 * An upstream LLM endpoint.
 *
 * @param tls true for {@code https} base URLs: TLS with SNI {@code sni}
 * @param caCertificates the CAs that sign the provider's certificate, when not the system's ({@code tls.caFile})
 * @param pathPrefix the base URL's path ("" or e.g. "/openai"), prepended to the client's path
 * @param loadBalancing how a client spreads requests over the provider's hosts
 * @param api the HTTP API the provider speaks: its request path and how it is authenticated
 */
public record Provider(
    String name,
    String host,
    int port,
    boolean tls,
    String sni,
    Optional<PemCertificates> caCertificates,
    String pathPrefix,
    Duration connectTimeout,
    LoadBalancing loadBalancing,
    Optional<Credentials> credentials,
    @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = Api.IsDefault.class) Api api) {

  /**
   * The provider's API. {@code OPENAI}: {@code pathPrefix} stands for OpenAI's {@code /v1} and the key goes in
   * {@code Authorization: Bearer}. {@code ANTHROPIC}: requests go to {@code pathPrefix + /v1/messages}, with the key
   * in {@code x-api-key} and an {@code anthropic-version} header. The upstream phase sets the path and headers per
   * try and translates a chat completion into a message and back (docs/llm-apis.md), so one route may mix both.
   */
  public enum Api {
    OPENAI("openai"),
    ANTHROPIC("anthropic");

    private final String wire;

    Api(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    /** Leaves the default out of the config version, so that bundles written before {@code api} keep theirs. */
    static final class IsDefault {
      @Override
      public boolean equals(Object value) {
        return value == OPENAI;
      }

      @Override
      public int hashCode() {
        return OPENAI.hashCode();
      }
    }
  }

  /**
   * Envoy's load-balancing policies a provider may ask for. Envoy supports all of them; gRPC xDS clients support
   * only some (grpc-java NACKs a cluster with {@code MAGLEV}): see docs/proxyless-grpc.md.
   */
  public enum LoadBalancing {
    ROUND_ROBIN("round_robin"),
    LEAST_REQUEST("least_request"),
    RING_HASH("ring_hash"),
    RANDOM("random"),
    MAGLEV("maglev");

    private final String wire;

    LoadBalancing(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  /**
   * A credential Envoy adds to every upstream request: header {@code header} with value {@code prefix + secret}.
   *
   * @param secretFile the file the secret was read from, as written in the policy (relative to the policy dir)
   */
  public record Credentials(String header, String prefix, String secretFile, SecretValue secret) {}
}
