package io.llmxds.examples.mockllm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MockLlmCommandTest {

  @Test
  void readsBackendsAndHumanDurations() {
    CommandLine line = MockLlmCommand.commandLine();
    line.parseArgs("mock-a=18081", "mock-b=0", "--latency", "250ms", "--error-rate", "0.5");
    MockLlmCommand command = line.getCommand();

    assertThat(command.backends).containsExactly(new MockLlmCommand.Backend("mock-a", 18081),
        new MockLlmCommand.Backend("mock-b", 0));
    assertThat(command.latency).isEqualTo(Duration.ofMillis(250));
    assertThat(command.errorRate).isEqualTo(0.5);
    assertThat(command.errorStatus).isEqualTo(503);
  }

  @Test
  void servesPlainHttpUnlessGivenACertificateAndItsKey() {
    assertThat(parse("mock-a=0").tls()).isEmpty();
    assertThat(parse("mock-tls=0", "--tls-cert", "server.pem", "--tls-key", "server.key").tls())
        .contains(new MockLlm.Tls(Path.of("server.pem"), Path.of("server.key")));
  }

  @Test
  void refusesACertificateWithoutItsKey() {
    StringWriter err = new StringWriter();
    CommandLine line = MockLlmCommand.commandLine().setErr(new PrintWriter(err));

    assertThat(line.execute("mock-tls=0", "--tls-cert", "server.pem")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required argument").contains("--tls-key");
  }

  @Test
  void refusesABackendWithoutAPortWithTheExpectedForm() {
    StringWriter err = new StringWriter();
    CommandLine line = MockLlmCommand.commandLine().setErr(new PrintWriter(err));

    assertThat(line.execute("mock-a:18081")).isEqualTo(2);
    assertThat(err.toString()).contains("expected NAME=PORT (e.g. mock-a=18081), got \"mock-a:18081\"");
  }

  private static MockLlmCommand parse(String... args) {
    CommandLine line = MockLlmCommand.commandLine();
    line.parseArgs(args);
    return line.getCommand();
  }
}
