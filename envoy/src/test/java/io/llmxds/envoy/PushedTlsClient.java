package io.llmxds.envoy;

import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.llmxds.examples.mockllm.PemTls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;

/**
 * The TLS client Envoy builds from a pushed cluster, played by the JDK where no Envoy runs: it trusts exactly the
 * validation context's {@code trusted_ca}, sends the context's {@code sni}, and accepts the server only if one SAN
 * matcher matches its certificate (exact, by SAN type; a DNS name case-insensitively: docs/envoy-semantics.md T2, T4).
 * So a test can check that what the control plane pushes and the test PKI fit, before a real Envoy tries.
 */
final class PushedTlsClient {
  /** {@link X509Certificate#getSubjectAlternativeNames} tags. */
  private static final int DNS_NAME = 2;
  private static final int IP_ADDRESS = 7;

  private PushedTlsClient() {}

  /** The cluster's upstream TLS context; fails if it has none. */
  static UpstreamTlsContext of(Cluster cluster) {
    try {
      return cluster.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("cluster " + cluster.getName() + " has no UpstreamTlsContext", e);
    }
  }

  /** Handshakes with the server on loopback {@code port} as Envoy would with {@code tls}; throws if Envoy would fail. */
  static void handshake(UpstreamTlsContext tls, int port) throws IOException {
    CertificateValidationContext validation = tls.getCommonTlsContext().getValidationContext();
    String caPem = validation.getTrustedCa().hasFilename()
        ? Files.readString(Path.of(validation.getTrustedCa().getFilename()))
        : validation.getTrustedCa().getInlineString();
    try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
        SSLSocket socket = (SSLSocket) PemTls.trusting(caPem).getSocketFactory()
            .createSocket(plain, "localhost", port, true)) {
      SSLParameters parameters = socket.getSSLParameters();
      // Envoy sends no SNI when the context has none (an IP host).
      parameters.setServerNames(tls.getSni().isEmpty() ? List.of() : List.of(new SNIHostName(tls.getSni())));
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      X509Certificate peer = (X509Certificate) socket.getSession().getPeerCertificates()[0];
      if (validation.getMatchTypedSubjectAltNamesList().stream().noneMatch(m -> matches(m, peer))) {
        throw new SSLPeerUnverifiedException("no SAN of " + peer.getSubjectX500Principal() + " matches "
            + validation.getMatchTypedSubjectAltNamesList());
      }
    }
  }

  private static boolean matches(SubjectAltNameMatcher matcher, X509Certificate peer) {
    int type = switch (matcher.getSanType()) {
      case DNS -> DNS_NAME;
      case IP_ADDRESS -> IP_ADDRESS;
      default -> throw new AssertionError("the control plane pushes DNS and IP_ADDRESS matchers only: " + matcher);
    };
    String expected = matcher.getMatcher().getExact().toLowerCase(Locale.ROOT);
    try {
      Collection<List<?>> names = peer.getSubjectAlternativeNames();
      return names != null && names.stream()
          .anyMatch(n -> (Integer) n.get(0) == type && expected.equals(((String) n.get(1)).toLowerCase(Locale.ROOT)));
    } catch (CertificateParsingException e) {
      throw new AssertionError(e);
    }
  }
}
