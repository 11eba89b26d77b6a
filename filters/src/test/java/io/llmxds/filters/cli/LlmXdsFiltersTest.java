package io.llmxds.filters.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LlmXdsFiltersTest {

  @Test
  void serveDocumentsItsOptions() {
    StringWriter out = new StringWriter();
    CommandLine cli = LlmXdsFilters.commandLine();
    cli.setOut(new PrintWriter(out));

    assertThat(cli.execute("serve", "--help")).isZero();
    assertThat(out.toString()).contains("--port", "--admin-port", "--xds", "--node-id", "--ttl", "--max-body",
        "--tls-cert", "--client-ca", "--insecure", "--xds-tls-cert", "--xds-ca", "50051", "19001", "24h", "8Mi")
        .doesNotContain("--redis");
  }

  @Test
  void serveExitsWithOneWhenItsPortIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CommandLine cli = LlmXdsFilters.commandLine();
      cli.setErr(new PrintWriter(new StringWriter()));

      assertThat(cli.execute("serve", "--address", "127.0.0.1", "--port", Integer.toString(taken.getLocalPort()),
          "--admin-port", "0")).isEqualTo(1);
    }
  }

  @Test
  void serveRefusesAnXdsAddressThatIsNotHostAndPort() {
    CommandLine cli = LlmXdsFilters.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));

    assertThat(cli.execute("serve", "--xds", "localhost")).isEqualTo(2);
    assertThat(err.toString()).contains("--xds").contains("not host:port: localhost");
  }

  @Test
  void servePlaintextOnANonLoopbackAddressRefusesToStartWithoutInsecure() {
    CommandLine cli = LlmXdsFilters.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));

    assertThat(cli.execute("serve", "--address", "0.0.0.0", "--port", "0", "--admin-port", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("refusing to serve ext_proc in plaintext on 0.0.0.0, which is not a loopback"
        + " address: pass --tls-cert, --tls-key and --client-ca for mutual TLS, or --insecure to allow plaintext on a"
        + " trusted network");
  }

  @Test
  void serveRefusesXdsTlsWithoutXds() {
    CommandLine cli = LlmXdsFilters.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));

    assertThat(cli.execute("serve", "--xds-tls-cert", "c.pem", "--xds-tls-key", "k.pem", "--xds-ca", "ca.pem"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--xds-tls-cert, --xds-tls-key and --xds-ca need --xds");
  }

  @Test
  void durationsAndSizesInHumanUnits() {
    assertThat(Units.duration("24h")).isEqualTo(Duration.ofHours(24));
    assertThat(Units.duration("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Units.duration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Units.bytes("8Mi")).isEqualTo(8L << 20);
    assertThat(Units.bytes("512Ki")).isEqualTo(512L << 10);
    assertThat(Units.bytes("1000")).isEqualTo(1000L);
    assertThatThrownBy(() -> Units.duration("1 day")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Units.bytes("8MB")).isInstanceOf(IllegalArgumentException.class);
  }
}
