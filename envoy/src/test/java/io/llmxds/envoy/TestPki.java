package io.llmxds.envoy;

import io.llmxds.examples.mockllm.MockLlm;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** The committed test PKI (src/test/resources/tls, see its README), as files on the test classpath. */
final class TestPki {
  /** The CA that signed the TLS mock's certificate. */
  static final Path CA = resource("test-ca.pem");
  /** A CA that signed nothing here: trusting it, a client must refuse the TLS mock. */
  static final Path OTHER_CA = resource("other-ca.pem");
  /** The TLS mock's identity: SANs localhost, host.testcontainers.internal, 127.0.0.1. */
  static final MockLlm.Tls SERVER = new MockLlm.Tls(resource("server.pem"), resource("server.key"));

  private TestPki() {}

  private static Path resource(String name) {
    URL url = TestPki.class.getResource("/tls/" + name);
    if (url == null) {
      throw new IllegalStateException("test resource tls/" + name + " is missing");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
