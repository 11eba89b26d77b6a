package io.llmxds.cp.policy;

import io.llmxds.cp.policy.Durations.Rule;
import io.llmxds.cp.policy.Gateway.ExtProcService;
import io.llmxds.cp.policy.Gateway.ExtProcTls;
import io.llmxds.cp.policy.Gateway.SocketAddress;
import java.time.Duration;
import java.util.Optional;

/** Reads a Gateway's spec. */
final class GatewaySpec {

  static final FieldSet FIELDS = FieldSet.of(
      "listener", "extProc", "requestBufferLimit", "requestTimeout", "streamIdleTimeout", "systemCaFile",
      "contextPolicy");
  private static final FieldSet LISTENER = FieldSet.of("address", "port");
  private static final FieldSet EXT_PROC = FieldSet.of("address", "port", "messageTimeout", "failOpen", "tls");
  private static final FieldSet EXT_PROC_TLS = FieldSet.of("certFile", "keyFile", "caFile", "serverName");

  static final long DEFAULT_BUFFER_LIMIT = 8L << 20;
  /** Below this an ordinary chat prompt is rejected with 413. */
  static final long MIN_BUFFER_LIMIT = 64L << 10;
  static final long MAX_BUFFER_LIMIT = io.llmxds.common.ContextPolicyMetadata.MAX_BUFFERED_BODY_BYTES;
  /** Debian's and Ubuntu's bundle, also in the envoyproxy/envoy images (Envoy Gateway defaults to it too). */
  static final String DEFAULT_SYSTEM_CA_FILE = "/etc/ssl/certs/ca-certificates.crt";

  private GatewaySpec() {}

  /** All four fields: files on the Envoy host (absolute paths) and the service's name. */
  private static Optional<ExtProcTls> extProcTls(MappingReader t) {
    Optional<String> cert = t.required("certFile", Values.ABSOLUTE_PATH);
    Optional<String> key = t.required("keyFile", Values.ABSOLUTE_PATH);
    Optional<String> ca = t.required("caFile", Values.ABSOLUTE_PATH);
    Optional<String> serverName = t.required("serverName", Values.HOST);
    return t.build(() -> new ExtProcTls(cert.get(), key.get(), ca.get(), serverName.get()));
  }

  static Optional<Gateway> decode(String name, MappingReader spec, ReferencedFiles files) {
    Optional<SocketAddress> listener = spec.requiredMapping("listener", LISTENER).flatMap(l -> {
      String host = l.optional("address", Values.IP_ADDRESS, "0.0.0.0");
      return l.required("port", Values.PORT).map(port -> new SocketAddress(host, port));
    });
    Optional<ExtProcService> extProc = spec.requiredMapping("extProc", EXT_PROC).flatMap(e -> {
      Optional<String> host = e.required("address", Values.HOST);
      Optional<Integer> port = e.required("port", Values.PORT);
      Duration timeout = e.optional("messageTimeout", Values.duration(Rule.POSITIVE), Duration.ofSeconds(30));
      boolean failOpen = e.optional("failOpen", Values.BOOLEAN, true);
      // An invalid tls block is an error of the document: then nothing is built.
      Optional<ExtProcTls> tls = e.optionalMapping("tls", EXT_PROC_TLS).flatMap(GatewaySpec::extProcTls);
      return e.build(() -> new ExtProcService(new SocketAddress(host.get(), port.get()), timeout, failOpen, tls));
    });
    long bufferLimit = spec.optional(
        "requestBufferLimit", Values.byteSize(MIN_BUFFER_LIMIT, MAX_BUFFER_LIMIT), DEFAULT_BUFFER_LIMIT);
    Duration requestTimeout = spec.optional("requestTimeout", Values.duration(Rule.NON_NEGATIVE), Duration.ZERO);
    Duration streamIdle = spec.optional("streamIdleTimeout", Values.duration(Rule.POSITIVE), Duration.ofSeconds(300));
    String systemCaFile = spec.optional("systemCaFile", Values.ABSOLUTE_PATH, DEFAULT_SYSTEM_CA_FILE);
    Optional<String> contextPolicy = spec.reference("contextPolicy", Kind.CONTEXT_POLICY);
    return spec.build(() -> new Gateway(
        name, listener.get(), extProc.get(), bufferLimit, requestTimeout, streamIdle, systemCaFile, contextPolicy));
  }
}
