package io.llmxds.cp.publish;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.llmxds.common.tls.SubjectAltNames;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Puts the SANs of the client certificate the TLS handshake verified into the call's {@link Context}, where the
 * request callbacks of the same call find it ({@link CertificateNodeAuthenticator}): java-control-plane runs them
 * synchronously in the call's {@code onMessage}, which gRPC runs with the call's context attached.
 */
final class ClientCertificateInterceptor implements ServerInterceptor {
  /** Empty when the call has no verified client certificate (plaintext, or a TLS session without one). */
  static final Context.Key<Optional<SubjectAltNames>> PEER = Context.keyWithDefault("llm-xds.peer", Optional.empty());

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    Context context = Context.current().withValue(PEER, peer(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION)));
    return Contexts.interceptCall(context, call, headers, next);
  }

  private static Optional<SubjectAltNames> peer(SSLSession session) {
    if (session == null) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate leaf
          ? Optional.of(SubjectAltNames.of(leaf))
          : Optional.empty();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }
}
