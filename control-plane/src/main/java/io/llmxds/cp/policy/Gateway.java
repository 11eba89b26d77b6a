package io.llmxds.cp.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.util.Optional;

/**
 * The edge listener every Envoy node serves, and where its ext_proc context service lives.
 *
 * @param requestBufferLimitBytes how much of a request body Envoy may buffer (LLM prompts exceed Envoy's 32 KiB
 *     default; ext_proc BUFFERED mode needs the whole body)
 * @param requestTimeout whole-request timeout at the listener; zero disables it (streams are bounded by
 *     {@code streamIdleTimeout} and the route timeouts instead)
 * @param systemCaFile where the system's CA bundle is on the Envoy host: Envoy verifies https providers without
 *     their own {@code tls.caFile} against it (Envoy has no "system roots" of its own)
 * @param contextPolicy the ContextPolicy applied to requests that do not yet name a model route when Envoy first
 *     matches them (the route is re-picked after ext_proc sets the model header, but the ext_proc stream is not)
 */
public record Gateway(
    String name,
    SocketAddress listener,
    ExtProcService extProc,
    long requestBufferLimitBytes,
    Duration requestTimeout,
    Duration streamIdleTimeout,
    String systemCaFile,
    Optional<String> contextPolicy) {

  /** A host (IP literal or DNS name) and port. */
  public record SocketAddress(String host, int port) {}

  /**
   * The ext_proc context service.
   *
   * @param failOpen when true Envoy lets a request through if the service is unreachable
   *     ({@code failure_mode_allow})
   * @param tls mutual TLS to the service; empty: plaintext (left out of the config version when empty, so bundles
   *     without it keep their versions)
   */
  public record ExtProcService(SocketAddress address, Duration messageTimeout, boolean failOpen,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) Optional<ExtProcTls> tls) {

    /** Plaintext. */
    public ExtProcService(SocketAddress address, Duration messageTimeout, boolean failOpen) {
      this(address, messageTimeout, failOpen, Optional.empty());
    }
  }

  /**
   * Mutual TLS from Envoy to the context service: files on the Envoy host (like {@code systemCaFile}), read by Envoy
   * when it builds the cluster.
   *
   * @param certFile Envoy's client certificate chain (PEM)
   * @param keyFile its private key (PEM)
   * @param caFile the CA bundle the service's certificate must chain to (PEM)
   * @param serverName the name (DNS, or an IP literal) the service's certificate must carry as a SAN; also the SNI
   *     when it is a DNS name
   */
  public record ExtProcTls(String certFile, String keyFile, String caFile, String serverName) {}
}
