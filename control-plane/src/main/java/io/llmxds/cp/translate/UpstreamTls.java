package io.llmxds.cp.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.llmxds.cp.policy.Gateway;
import io.llmxds.cp.policy.Provider;
import java.util.Optional;

/**
 * TLS to an https provider: SNI, and the provider's certificate verified against a CA set and its host name (without
 * a validation context Envoy would accept any certificate). Where the CAs come from differs by flavor.
 */
final class UpstreamTls {

  private UpstreamTls() {}

  /**
   * For Envoy: the provider's own CAs inline, else the system bundle as a file on the Envoy host. Envoy does not
   * implement {@code system_root_certs} ({@code [#not-implemented-hide:]} in its API) and rejects SAN matching without
   * a {@code trusted_ca} (certificate_validation_context_config_impl.cc:67-75, docs/envoy-semantics.md).
   */
  static Optional<TransportSocket> forEnvoy(Gateway gateway, Provider provider) {
    DataSource trustedCa = provider.caCertificates()
        .map(ca -> DataSource.newBuilder().setInlineString(ca.pem()).build())
        .orElseGet(() -> DataSource.newBuilder().setFilename(gateway.systemCaFile()).build());
    return transportSocket(provider, CertificateValidationContext.newBuilder().setTrustedCa(trustedCa));
  }

  /**
   * For gRPC xDS clients: their own system roots ({@code system_root_certs}, which gRPC implements). gRPC takes other
   * CAs only from certificate-provider plugins, so a provider's {@code tls.caFile} is not delivered to them.
   */
  static Optional<TransportSocket> forGrpc(Provider provider) {
    return transportSocket(provider, CertificateValidationContext.newBuilder()
        .setSystemRootCerts(CertificateValidationContext.SystemRootCerts.getDefaultInstance()));
  }

  /**
   * For Envoy to the context service: Envoy's client certificate and key, the CA and the service's name, all files
   * on the Envoy host read when the cluster is built (docs/envoy-semantics.md T3, T6). The SAN matcher needs the CA
   * (T2), which is always there.
   */
  static TransportSocket forContextService(Gateway.ExtProcTls tls) {
    boolean ip = EndpointTranslator.servedByEds(tls.serverName());
    CertificateValidationContext validation = CertificateValidationContext.newBuilder()
        .setTrustedCa(DataSource.newBuilder().setFilename(tls.caFile()))
        .addMatchTypedSubjectAltNames(sanMatcher(tls.serverName()))
        .build();
    UpstreamTlsContext context = UpstreamTlsContext.newBuilder()
        // TLS forbids an IP address as SNI (RFC 6066 3).
        .setSni(ip ? "" : tls.serverName())
        .setCommonTlsContext(CommonTlsContext.newBuilder()
            .addTlsCertificates(TlsCertificate.newBuilder()
                .setCertificateChain(DataSource.newBuilder().setFilename(tls.certFile()))
                .setPrivateKey(DataSource.newBuilder().setFilename(tls.keyFile())))
            .setValidationContext(validation))
        .build();
    return TransportSocket.newBuilder().setName(Names.TLS_TRANSPORT_SOCKET).setTypedConfig(Any.pack(context)).build();
  }

  /** An IP SAN for an IP literal, else a DNS SAN; an exact DNS matcher also accepts a wildcard covering the host (T4). */
  private static SubjectAltNameMatcher sanMatcher(String host) {
    return SubjectAltNameMatcher.newBuilder()
        .setSanType(EndpointTranslator.servedByEds(host)
            ? SubjectAltNameMatcher.SanType.IP_ADDRESS
            : SubjectAltNameMatcher.SanType.DNS)
        .setMatcher(StringMatcher.newBuilder().setExact(host))
        .build();
  }

  private static Optional<TransportSocket> transportSocket(
      Provider provider, CertificateValidationContext.Builder validation) {
    if (!provider.tls()) {
      return Optional.empty();
    }
    validation.addMatchTypedSubjectAltNames(sanMatcher(provider.host()));
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
