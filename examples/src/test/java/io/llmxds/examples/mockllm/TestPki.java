package io.llmxds.examples.mockllm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;

/**
 * The committed test PKI (envoy/src/test/resources/tls, see its README): the Envoy tests put the same TLS mock behind
 * an https provider, so both modules use one set of files. Maven runs tests in the module directory.
 */
final class TestPki {
  static final Path DIR = Path.of("..", "envoy", "src", "test", "resources", "tls").toAbsolutePath().normalize();
  static final Path CA = DIR.resolve("test-ca.pem");
  static final Path OTHER_CA = DIR.resolve("other-ca.pem");
  static final MockLlm.Tls SERVER = new MockLlm.Tls(DIR.resolve("server.pem"), DIR.resolve("server.key"));

  private TestPki() {}

  /** A client context trusting only the CA in {@code pem}. */
  static SSLContext trusting(Path pem) {
    try {
      return PemTls.trusting(Files.readString(pem));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
