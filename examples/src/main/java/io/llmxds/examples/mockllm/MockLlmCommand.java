package io.llmxds.examples.mockllm;

import io.llmxds.common.ShutdownSignal;
import io.llmxds.filters.cli.Units;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Mock LLM backends without the rest of the stack, e.g. for a compose file or a load test:
 * {@code java -cp examples/target/llm-xds-local.jar io.llmxds.examples.mockllm.MockLlmCommand mock-a=18081}.
 */
@Command(name = "mock-llm", mixinStandardHelpOptions = true,
    description = "Serve OpenAI-compatible mock chat completions, one backend per NAME=PORT, until Ctrl-C.")
public final class MockLlmCommand implements Callable<Integer> {
  private static final Pattern BACKEND = Pattern.compile("([A-Za-z0-9._-]+)=(\\d{1,5})");

  /** One backend to serve: its name (header {@code x-llm-backend}) and port. */
  record Backend(String name, int port) {
    static Backend parse(String text) {
      Matcher m = BACKEND.matcher(text);
      if (!m.matches() || Integer.parseInt(m.group(2)) > 65535) {
        throw new IllegalArgumentException("expected NAME=PORT (e.g. mock-a=18081), got \"" + text + "\"");
      }
      return new Backend(m.group(1), Integer.parseInt(m.group(2)));
    }
  }

  @Parameters(arity = "1..*", paramLabel = "NAME=PORT", description = "A backend, e.g. mock-a=18081.")
  List<Backend> backends;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Bind address (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--latency", defaultValue = "0s",
      description = "Wait before each answer, e.g. 300ms (default: ${DEFAULT-VALUE}).")
  Duration latency;

  @Option(names = "--error-rate", defaultValue = "0",
      description = "Share of requests (0 to 1) answered with --error-status (default: ${DEFAULT-VALUE}).")
  double errorRate;

  @Option(names = "--error-status", defaultValue = "503",
      description = "Status of an injected error (default: ${DEFAULT-VALUE}).")
  int errorStatus;

  /** Both files or neither: picocli refuses one without the other. */
  static final class TlsFiles {
    @Option(names = "--tls-cert", required = true, paramLabel = "PEM",
        description = "Serve HTTPS with this certificate chain (PEM, server certificate first).")
    Path certificateChain;

    @Option(names = "--tls-key", required = true, paramLabel = "PEM",
        description = "The certificate's private key (PEM, unencrypted PKCS#8).")
    Path privateKey;
  }

  @ArgGroup(exclusive = false, heading = "HTTPS (default: plain HTTP)%n")
  TlsFiles tls;

  Optional<MockLlm.Tls> tls() {
    return Optional.ofNullable(tls).map(t -> new MockLlm.Tls(t.certificateChain, t.privateKey));
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(new MockLlmCommand())
        .registerConverter(Backend.class, Backend::parse)
        .registerConverter(Duration.class, Units::duration);
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    ShutdownSignal shutdown = ShutdownSignal.install(Duration.ofSeconds(5));
    List<MockLlm> running = new ArrayList<>();
    try {
      for (Backend backend : backends) {
        MockLlm mock = MockLlm.start(new MockLlm.Settings(backend.name(), host, backend.port(), latency, errorRate,
            errorStatus, tls()));
        running.add(mock);
        System.out.println("mock LLM " + backend.name() + " on " + mock.scheme() + "://" + host + ":" + mock.port()
            + " (POST <prefix>/chat/completions, GET /healthz)");
      }
      shutdown.await();
      return 0;
    } catch (IOException e) {
      // A taken port or an unusable certificate or key: the message says which.
      System.err.println("mock-llm: " + e.getMessage());
      return 1;
    } finally {
      running.forEach(MockLlm::close);
      shutdown.done();
    }
  }
}
