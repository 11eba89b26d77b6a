package io.llmxds.cp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code llm-xds status}: which nodes run which config, from a running control plane's admin API. */
@Command(name = "status", description = "Show every connected node's sync state per xDS type (SYNCED, STALE, "
    + "NACKED, NOT SENT) and each NACK's message and trace id. Exit 1 if any node NACKed, 2 if the admin API "
    + "cannot be reached.")
final class StatusCommand implements Callable<Integer> {
  static final int NACKED = 1;
  static final int UNREACHABLE = 2;
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Spec CommandSpec spec;

  @Option(names = "--admin", defaultValue = "http://127.0.0.1:19000",
      description = "Admin API base URL (default: ${DEFAULT-VALUE}).")
  URI admin;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    URI uri = admin.resolve("/status");
    JsonNode status;
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
      HttpResponse<String> reply = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (reply.statusCode() != 200) {
        err.printf("%s answered %d: %s%n", uri, reply.statusCode(), reply.body());
        err.flush();
        return UNREACHABLE;
      }
      status = new ObjectMapper().readTree(reply.body());
    } catch (IOException e) {
      err.printf("cannot reach the admin API at %s: %s%n", uri, e);
      err.flush();
      return UNREACHABLE;
    }
    StatusTable table = new StatusTable(status, Instant.now());
    out.printf("config version served: %s%n", status.path("configVersion").asText("-"));
    out.print(table.render());
    out.flush();
    return table.anyNacked() ? NACKED : 0;
  }
}
