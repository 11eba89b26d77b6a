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
    assertThat(out.toString()).contains("--port", "--admin-port", "--redis", "--ttl", "--max-body", "50051", "19001",
        "24h", "8Mi");
  }

  @Test
  void serveExitsWithOneWhenRedisIsUnreachable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    CommandLine cli = LlmXdsFilters.commandLine();
    cli.setErr(new PrintWriter(new StringWriter()));

    assertThat(cli.execute("serve", "--port", "0", "--admin-port", "0", "--redis",
        "redis://127.0.0.1:" + closedPort)).isEqualTo(1);
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
