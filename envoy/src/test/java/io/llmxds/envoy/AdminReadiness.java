package io.llmxds.envoy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

/** Waits for Envoy's admin {@code /ready}: 200 once the initial listeners and clusters are applied (LIVE). */
final class AdminReadiness {

  static final Duration STARTUP = Duration.ofSeconds(60);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private AdminReadiness() {}

  static void awaitReady(URI admin, Supplier<Boolean> alive, Supplier<String> log) {
    await().atMost(STARTUP).pollInterval(Duration.ofMillis(200)).ignoreExceptionsInstanceOf(IOException.class)
        .failFast("Envoy exited", () -> assertThat(alive.get()).as(() -> "Envoy's log:\n" + log.get()).isTrue())
        .until(() -> ready(admin));
  }

  private static boolean ready(URI admin) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(admin.resolve("/ready")).timeout(Duration.ofSeconds(2)).GET().build();
    return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
  }
}
