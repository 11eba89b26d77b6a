package io.llmxds.cp.policy;

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
   */
  public record ExtProcService(SocketAddress address, Duration messageTimeout, boolean failOpen) {}
}
