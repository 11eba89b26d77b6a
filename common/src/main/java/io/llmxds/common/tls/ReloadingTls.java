package io.llmxds.common.tls;

import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.grpc.util.AdvancedTlsX509TrustManager.Verification;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mutual-TLS material for a gRPC server or channel, read from {@link TlsFiles} and re-read when they change on
 * disk: new handshakes use the new material, established connections keep theirs. grpc-java's
 * {@link AdvancedTlsX509KeyManager} and {@link AdvancedTlsX509TrustManager} hold the material and swap it atomically;
 * their own file refresh is not used because it enforces a period of at least one minute and swaps a certificate
 * and key that are replaced one after the other without checking they belong together. A change that does not
 * load (a half-written file, a key of another certificate) is logged and the previous material keeps serving.
 */
public final class ReloadingTls implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReloadingTls.class);
  /** How often the files are compared with what is loaded (a digest of their bytes). */
  public static final Duration DEFAULT_CHECK_PERIOD = Duration.ofSeconds(5);

  private final TlsFiles files;
  private final AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
  private final AdvancedTlsX509TrustManager trust;
  private final ScheduledExecutorService poller;
  /** The digest last tried, loaded or not: a broken change is reported once, not at every check. */
  private byte[] lastTried;

  private ReloadingTls(TlsFiles files, Verification verification, Duration period) throws IOException {
    this.files = files;
    TlsMaterial first;
    try {
      this.trust = AdvancedTlsX509TrustManager.newBuilder().setVerification(verification).build();
      first = TlsMaterial.read(files);
      use(first);
    } catch (GeneralSecurityException e) {
      throw new IOException(e.getMessage(), e);
    }
    log.info("TLS material loaded from {}: {}", files, describe(first));
    this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "tls-reload");
      t.setDaemon(true);
      return t;
    });
    long millis = period.toMillis();
    poller.scheduleWithFixedDelay(this::check, millis, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * For a server that requires client certificates: the client's chain must lead to the CA; which client it is,
   * is the server's business (the control plane matches node ids to SANs).
   */
  public static ReloadingTls forServer(TlsFiles files, Duration period) throws IOException {
    return new ReloadingTls(files, Verification.CERTIFICATE_ONLY_VERIFICATION, period);
  }

  /** {@link #forServer} with the default check period, when there are files. */
  public static Optional<ReloadingTls> forServer(Optional<TlsFiles> files) throws IOException {
    return files.isEmpty() ? Optional.empty() : Optional.of(forServer(files.get(), DEFAULT_CHECK_PERIOD));
  }

  /** For a client: the server's chain must lead to the CA and name the host (or IP) the channel connects to. */
  public static ReloadingTls forClient(TlsFiles files, Duration period) throws IOException {
    return new ReloadingTls(files, Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION, period);
  }

  /** {@link #forClient} with the default check period, when there are files. */
  public static Optional<ReloadingTls> forClient(Optional<TlsFiles> files) throws IOException {
    return files.isEmpty() ? Optional.empty() : Optional.of(forClient(files.get(), DEFAULT_CHECK_PERIOD));
  }

  /** Server credentials that require a client certificate (a client without one fails the handshake). */
  public ServerCredentials serverCredentials() {
    return TlsServerCredentials.newBuilder()
        .keyManager(keys)
        .trustManager(trust)
        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
        .build();
  }

  /** Channel credentials that present this side's certificate. */
  public ChannelCredentials channelCredentials() {
    return TlsChannelCredentials.newBuilder().keyManager(keys).trustManager(trust).build();
  }

  public TlsFiles files() {
    return files;
  }

  private synchronized void use(TlsMaterial material) throws IOException, GeneralSecurityException {
    trust.updateTrustCredentials(material.trusted());
    keys.updateIdentityCredentials(material.chain(), material.key());
    lastTried = material.digest();
  }

  private void check() {
    try {
      byte[] now = TlsMaterial.digest(files);
      synchronized (this) {
        if (Arrays.equals(now, lastTried)) {
          return;
        }
        lastTried = now;
      }
      TlsMaterial changed = TlsMaterial.read(files);
      use(changed);
      log.info("TLS material reloaded from {}: {}", files, describe(changed));
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      log.warn("TLS files changed but do not load, keeping the previous material: {}", e.getMessage());
    }
  }

  private static String describe(TlsMaterial material) {
    var cert = material.chain()[0];
    return "certificate " + cert.getSubjectX500Principal().getName() + ", SANs " + SubjectAltNames.of(cert)
        + ", valid until " + cert.getNotAfter().toInstant() + "; " + material.trusted().length + " trusted CA(s)";
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }
}
