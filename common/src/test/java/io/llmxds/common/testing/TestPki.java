package io.llmxds.common.testing;

import io.llmxds.common.tls.TlsFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority for mutual-TLS tests, made with {@code openssl} (EC P-256, like
 * envoy/tls/make-test-ca.sh) in a directory the test owns. Each {@link #issue} writes {@code <name>.pem} and
 * {@code <name>.key}; the CA is {@code ca.pem}.
 */
public final class TestPki {
  private final Path dir;
  private final String name;

  private TestPki(Path dir, String name) {
    this.dir = dir;
    this.name = name;
  }

  /** A new self-signed CA in {@code dir/name}. */
  public static TestPki create(Path dir, String name) throws IOException {
    Path home = Files.createDirectories(dir.resolve(name));
    TestPki pki = new TestPki(home, name);
    pki.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-sha256",
        "-days", "2", "-subj", "/O=llm-xds tests/CN=" + name, "-keyout", "ca.key", "-out", "ca.pem",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    return pki;
  }

  public Path ca() {
    return dir.resolve("ca.pem");
  }

  /**
   * A certificate for server and client use signed by this CA, with these SANs ({@code DNS:…}, {@code URI:…},
   * {@code IP:…}); the returned files trust this CA.
   */
  public TlsFiles issue(String certName, String... sans) throws IOException {
    List<String> args = new ArrayList<>(List.of("req", "-x509", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:P-256", "-nodes", "-sha256", "-days", "2", "-subj", "/O=llm-xds tests/CN=" + certName,
        "-CA", "ca.pem", "-CAkey", "ca.key", "-keyout", certName + ".key", "-out", certName + ".pem",
        "-addext", "basicConstraints=critical,CA:FALSE", "-addext", "keyUsage=critical,digitalSignature",
        "-addext", "extendedKeyUsage=serverAuth,clientAuth"));
    if (sans.length > 0) {
      args.add("-addext");
      args.add("subjectAltName=" + String.join(",", sans));
    }
    openssl(args.toArray(String[]::new));
    return new TlsFiles(dir.resolve(certName + ".pem"), dir.resolve(certName + ".key"), ca());
  }

  /** Copies {@code files} into {@code dir} as {@code cert.pem}, {@code key.pem}, {@code ca.pem}: files a test may replace. */
  public static TlsFiles install(TlsFiles files, Path dir) throws IOException {
    Files.createDirectories(dir);
    TlsFiles live = new TlsFiles(dir.resolve("cert.pem"), dir.resolve("key.pem"), dir.resolve("ca.pem"));
    replace(live, files);
    return live;
  }

  /** Copies {@code from}'s files over {@code to}'s, each by an atomic move, as a certificate rotation would. */
  public static void replace(TlsFiles to, TlsFiles from) throws IOException {
    move(from.certificate(), to.certificate());
    move(from.privateKey(), to.privateKey());
    move(from.trustedCa(), to.trustedCa());
  }

  private static void move(Path from, Path to) throws IOException {
    Path staged = to.resolveSibling(to.getFileName() + ".new");
    Files.copy(from, staged, StandardCopyOption.REPLACE_EXISTING);
    Files.move(staged, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private void openssl(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException("openssl failed for " + name + ": " + new String(process.getInputStream().readAllBytes()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
