package io.llmxds.examples.mockllm;

import static io.llmxds.examples.mockllm.MockLlmClient.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mock's HTTPS mode with the committed test PKI, checked the way Envoy will connect to it. */
class MockLlmTlsTest {
  private static final String PATH = "/v1/chat/completions";

  @TempDir
  Path tmp;

  private MockLlm mock;

  @AfterEach
  void close() {
    if (mock != null) {
      mock.close();
    }
  }

  @Test
  void servesHttpsToAClientThatTrustsTheTestCa() throws Exception {
    mock = MockLlm.start(MockLlm.Settings.of("mock-tls", 0).withTls(TestPki.SERVER));
    HttpClient client = HttpClient.newBuilder().sslContext(TestPki.trusting(TestPki.CA)).build();

    assertThat(mock.scheme()).isEqualTo("https");
    // The JDK checks the name against the certificate's SANs: DNS for localhost, IP for 127.0.0.1.
    for (String host : List.of("localhost", "127.0.0.1")) {
      HttpResponse<String> reply = client.send(HttpRequest.newBuilder(URI.create("https://" + host + ":" + mock.port()
              + PATH)).timeout(Duration.ofSeconds(20)).header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(chat("tls-model", false, "hello"))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(reply.statusCode()).as(host).isEqualTo(200);
      assertThat(reply.headers().firstValue("x-llm-backend")).hasValue("mock-tls");
      assertThat(MockLlmClient.json(reply).path("model").asText()).isEqualTo("tls-model");
    }
  }

  /**
   * Envoy sends the provider's host as SNI (even an IP address) and checks it against one SAN: here the names a local
   * Envoy (127.0.0.1) and a container Envoy (host.testcontainers.internal) dial the mock by.
   */
  @Test
  void acceptsTheServerNameEnvoySendsAndPresentsACertificateForIt() throws Exception {
    mock = MockLlm.start(MockLlm.Settings.of("mock-tls", 0).withTls(TestPki.SERVER));

    for (String name : List.of("127.0.0.1", "host.testcontainers.internal")) {
      assertThat(postAs(TestPki.trusting(TestPki.CA), name)).as(name).startsWith("HTTP/1.1 200 ")
          .contains("\"model\":\"tls-model\"");
    }
  }

  @Test
  void refusesTheHandshakeOfAClientThatTrustsAnotherCa() throws Exception {
    mock = MockLlm.start(MockLlm.Settings.of("mock-tls", 0).withTls(TestPki.SERVER));

    assertThatThrownBy(() -> postAs(TestPki.trusting(TestPki.OTHER_CA), "127.0.0.1"))
        .isInstanceOf(SSLHandshakeException.class);
    assertThat(mock.requests()).isZero();
  }

  @Test
  void aNameTheCertificateDoesNotCarryFailsTheCheck() throws Exception {
    mock = MockLlm.start(MockLlm.Settings.of("mock-tls", 0).withTls(TestPki.SERVER));

    assertThatThrownBy(() -> postAs(TestPki.trusting(TestPki.CA), "llm.example.com"))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("llm.example.com");
  }

  @Test
  void aKeyThatIsNotTheCertificatesFailsTheStartNamingTheFile() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    Path otherKey = Files.writeString(tmp.resolve("other.key"), "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
    MockLlm.Tls mismatched = new MockLlm.Tls(TestPki.SERVER.certificateChain(), otherKey);

    assertThatThrownBy(() -> MockLlm.start(MockLlm.Settings.of("mock-tls", 0).withTls(mismatched)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(otherKey.toString())
        .hasMessageContaining("the key does not belong to the certificate");
  }

  @Test
  void aKeyThatIsNotPkcs8SaysHowToConvertIt() throws Exception {
    Path sec1 = Files.writeString(tmp.resolve("sec1.key"), "-----BEGIN EC PRIVATE KEY-----\nAAAA\n"
        + "-----END EC PRIVATE KEY-----\n");
    MockLlm.Tls tls = new MockLlm.Tls(TestPki.SERVER.certificateChain(), sec1);

    assertThatThrownBy(() -> MockLlm.start(MockLlm.Settings.of("mock-tls", 0).withTls(tls)))
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
  }

  /**
   * A chat request over TLS to the mock on loopback, as a client that dialled it by {@code name}: SNI {@code name},
   * and the certificate checked against {@code name} (an IP or a DNS SAN, by its form). Returns the raw response.
   */
  private String postAs(SSLContext trust, String name) throws IOException {
    byte[] body = chat("tls-model", false, "hello").getBytes(StandardCharsets.UTF_8);
    try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), mock.port());
        SSLSocket tls = (SSLSocket) trust.getSocketFactory().createSocket(plain, name, mock.port(), true)) {
      SSLParameters parameters = tls.getSSLParameters();
      // The JDK sends no SNI for an IP literal by itself; Envoy does (sni = the provider's host).
      parameters.setServerNames(List.of(new SNIHostName(name)));
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      tls.setSSLParameters(parameters);
      tls.startHandshake();
      OutputStream out = tls.getOutputStream();
      out.write(("POST " + PATH + " HTTP/1.1\r\nhost: " + name + "\r\ncontent-type: application/json\r\n"
          + "content-length: " + body.length + "\r\nconnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      InputStream in = tls.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
