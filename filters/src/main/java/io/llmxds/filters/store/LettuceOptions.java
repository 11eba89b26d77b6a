package io.llmxds.filters.store;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/** What a {@link StoreSpec} means to lettuce, shared by the standalone and the cluster client. */
final class LettuceOptions {

  private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

  private LettuceOptions() {}

  /** Reconnects start after 10 ms and back off to a second apart: a store works again soon after Redis does. */
  static ClientResources resources() {
    return DefaultClientResources.builder()
        .reconnectDelay(Delay.exponential(Duration.ofMillis(10), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
        .build();
  }

  /**
   * How long lettuce's handshake (HELLO, AUTH, SELECT) may take, counted from before the TCP connect: a connect
   * timeout per stage before it (TCP, and TLS when there is TLS). So each stage's own timeout fires first and the
   * error says which stage hung (a TLS handshake that never ends is a plain port).
   */
  static Duration handshakeTimeout(StoreSpec spec) {
    return spec.connectTimeout().multipliedBy(spec.tls().isPresent() ? 2 : 1);
  }

  /** One node's URI; its timeout is lettuce's handshake timeout (commands get theirs from {@link #apply}). */
  static RedisURI uri(StoreSpec spec, StoreSpec.Address address) {
    RedisURI.Builder uri = RedisURI.Builder.redis(address.host(), address.port())
        .withDatabase(spec.database())
        .withTimeout(handshakeTimeout(spec));
    spec.password().ifPresent(password -> {
      if (spec.username().isPresent()) {
        uri.withAuthentication(spec.username().get(), password); // ACL: AUTH user password
      } else {
        uri.withPassword(password); // requirepass: AUTH password
      }
    });
    if (spec.tls().isPresent()) {
      uri.withSsl(true).withVerifyPeer(SslVerifyMode.FULL);
    }
    return uri.build();
  }

  /**
   * Commands are rejected at once while disconnected (not queued until a reconnect) and fail after the command
   * timeout, so a request degrades per its policy's failure mode instead of hanging; lettuce reconnects meanwhile.
   */
  static <B extends ClientOptions.Builder> B apply(B options, StoreSpec spec) throws StoreException {
    options.autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(spec.commandTimeout()))
        .socketOptions(SocketOptions.builder().connectTimeout(spec.connectTimeout()).build());
    if (spec.tls().isPresent()) {
      options.sslOptions(ssl(spec, spec.tls().get()));
    }
    return options;
  }

  private static SslOptions ssl(StoreSpec spec, StoreSpec.Tls tls) throws StoreException {
    SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider().handshakeTimeout(spec.connectTimeout());
    if (tls.caPem().isPresent()) {
      ssl.trustManager(trusting(spec, tls.caPem().get()));
    } // else netty's default: the JVM's trust store
    // TLS forbids an IP as SNI: then none is sent and the certificate is checked against the address alone. With a
    // name, the JDK checks the certificate against it (and against the address when it does not match).
    if (!tls.sni().isEmpty() && !isIpLiteral(tls.sni())) {
      SNIHostName sni = new SNIHostName(tls.sni());
      ssl.sslParameters(() -> {
        SSLParameters parameters = new SSLParameters();
        parameters.setServerNames(List.of(sni));
        return parameters;
      });
    }
    return ssl.build();
  }

  private static TrustManagerFactory trusting(StoreSpec spec, String caPem) throws StoreException {
    try {
      Collection<? extends Certificate> cas = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII)));
      if (cas.isEmpty()) {
        throw new StoreException(spec.label() + ": the TLS CA bundle holds no certificate");
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate ca : cas) {
        store.setCertificateEntry("ca-" + i++, ca);
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      return trust;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new StoreException(spec.label() + ": the TLS CA bundle is not PEM certificates: " + e.getMessage(), e);
    }
  }

  private static boolean isIpLiteral(String host) {
    return host.contains(":") || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
  }
}
