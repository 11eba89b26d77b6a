package io.llmxds.cp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.llmxds.common.testing.CapturedStderr;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code llm-xds serve}'s plaintext rule: loopback, or TLS, or an explicit {@code --insecure-xds}. */
class ServeCommandTest {
  @TempDir
  Path dir;

  @Test
  void plaintextOnANonLoopbackAddressRefusesToStart() {
    CliRun run = CliRun.of(serve("--xds-address", "0.0.0.0"));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("refusing to serve xDS in plaintext on 0.0.0.0, which is not a loopback address:"
        + " pass --xds-tls-cert, --xds-tls-key and --xds-client-ca for mutual TLS, or --insecure-xds to allow"
        + " plaintext on a trusted network");
  }

  @Test
  void anEnvoyThatCannotRunRefusesToStartWithTheReason() {
    CliRun run = CliRun.of(serve("--envoy-validate", "/nonexistent/envoy"));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--envoy-validate: Envoy not found: /nonexistent/envoy does not exist");
  }

  @Test
  void tlsOptionsGoTogether() {
    CliRun run = CliRun.of(serve("--xds-tls-cert", dir.resolve("cert.pem").toString()));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Missing required argument", "--xds-tls-key", "--xds-client-ca");
  }

  @Test
  void insecureXdsStartsOnEveryInterfaceAndWarns() throws Exception {
    try (CapturedStderr log = new CapturedStderr()) {
      CompletableFuture<CliRun> run = new CompletableFuture<>();
      Thread serving = new Thread(() -> run.complete(CliRun.of(serve("--xds-address", "0.0.0.0", "--insecure-xds"))));
      serving.start();
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> log.text().contains("llm-xds serving"));
        assertThat(log.text()).contains("WARN io.llmxds.cp.cli.ServeCommand - --insecure-xds: serving xDS in"
            + " plaintext on 0.0.0.0");
        assertThat(run).isNotDone();
      } finally {
        serving.interrupt(); // ends serve's wait for a shutdown signal
        serving.join(Duration.ofSeconds(30).toMillis());
      }
    }
  }

  private String[] serve(String... more) {
    String[] base = {"serve", "--policies", dir.toString(), "--xds-port", "0", "--admin-port", "0",
        "--admin-token-file", dir.resolve("token").toString()};
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }
}
