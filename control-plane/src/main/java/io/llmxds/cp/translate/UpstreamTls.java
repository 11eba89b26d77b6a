package io.llmxds.cp.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.llmxds.cp.policy.Provider;
import java.util.Optional;

/**
 * TLS to an https provider: SNI, and the provider's certificate verified against the system trust store and its
 * host name (without a validation context Envoy would accept any certificate).
 */
final class UpstreamTls {

  private UpstreamTls() {}

  static Optional<TransportSocket> transportSocket(Provider provider) {
    if (!provider.tls()) {
      return Optional.empty();
    }
    SubjectAltNameMatcher.SanType sanType = EndpointTranslator.servedByEds(provider.host())
        ? SubjectAltNameMatcher.SanType.IP_ADDRESS
        : SubjectAltNameMatcher.SanType.DNS;
    CertificateValidationContext validation = CertificateValidationContext.newBuilder()
        .setSystemRootCerts(CertificateValidationContext.SystemRootCerts.getDefaultInstance())
        // An exact DNS matcher also accepts a wildcard certificate covering the host (RFC 6125 rules).
        .addMatchTypedSubjectAltNames(SubjectAltNameMatcher.newBuilder()
            .setSanType(sanType)
            .setMatcher(StringMatcher.newBuilder().setExact(provider.host())))
        .build();
    UpstreamTlsContext tls = UpstreamTlsContext.newBuilder()
        .setSni(provider.sni())
        .setCommonTlsContext(CommonTlsContext.newBuilder().setValidationContext(validation))
        .build();
    return Optional.of(TransportSocket.newBuilder()
        .setName(Names.TLS_TRANSPORT_SOCKET)
        .setTypedConfig(Any.pack(tls))
        .build());
  }
}
