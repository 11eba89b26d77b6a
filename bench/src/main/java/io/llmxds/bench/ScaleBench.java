package io.llmxds.bench;

import static io.llmxds.bench.Harness.freePort;
import static io.llmxds.bench.Harness.ints;
import static io.llmxds.bench.Harness.percentile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a user of a large fleet gets (issue 16): the real {@code serve} binary started cold on policies of the
 * fleet shape ({@link SyntheticPolicies#writeFleetShape}), a {@link Fleet} of N Envoy-like ADS clients in another
 * process, and rounds of one edit each — one number of one route, saved to the policy file — timed from the save to
 * the last client's ACK. Reports per routes × N: save → last ACK p50/p99/max over the rounds (and the first round
 * alone), the clients' p99 within a round, server CPU per change (the serve process's CPU time, which other load on
 * the machine barely moves), bytes received per change, server RSS, initial sync, cold start; then the ratio of each
 * p99 to the same N at the smallest routes count (the floor, measured in the same run). Results: docs/benchmarks.md,
 * "Issue 16".
 *
 * <p>Arguments: {@code JAR [routes=20,2000] [clients=10,100,1000] [rounds=10] [aliases=false]}, JAR being the
 * control plane's {@code llm-xds.jar}. {@code -Dscale.fleet.opts} adds JVM options to the fleet process.
 */
public final class ScaleBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RDS = SimulatedEnvoy.RDS;
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(60);

  /** One routes × N measurement. */
  record Result(int routes, int n, double coldStartMs, double coldStartCpuMs, double syncMs, double firstRoundMs,
      double p50Ms, double p99Ms, double maxMs, double clientP99Ms, double serverCpuMsPerChange,
      double bytesPerChange, double rssMiB, int rounds, int unconverged, String neverOlder) {}

  private ScaleBench() {}

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args[0]);
    int[] routesList = ints(args.length > 1 ? args[1] : "20,2000");
    int[] clients = ints(args.length > 2 ? args[2] : "10,100,1000");
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    boolean aliases = args.length > 4 && Boolean.parseBoolean(args[4]);
    System.out.printf(Locale.ROOT, "scale: routes=%s clients=%s rounds=%d aliases=%s cores=%d load=%s%n",
        Arrays.toString(routesList), Arrays.toString(clients), rounds, aliases,
        Runtime.getRuntime().availableProcessors(), loadAverage());
    List<Result> results = new ArrayList<>();
    for (int routes : routesList) {
      for (int n : clients) {
        // a cold serve per N: what each fleet size gets from a server started for it
        results.add(measure(jar, routes, n, rounds, aliases));
      }
    }
    print(results);
    record(results);
    System.out.println("load at the end: " + loadAverage());
    System.exit(0);
  }

  private static Result measure(Path jar, int routes, int n, int rounds, boolean aliases) throws Exception {
    Path work = Files.createTempDirectory("scale");
    Path dir = SyntheticPolicies.writeFleetShape(work.resolve("policies"), routes, aliases);
    int xdsPort = freePort();
    int adminPort = freePort();
    long spawned = System.nanoTime();
    Process serve = new ProcessBuilder("java", "-jar", jar.toString(), "serve", "--policies", dir.toString(),
        "--xds-port", String.valueOf(xdsPort), "--admin-port", String.valueOf(adminPort),
        "--admin-token-file", work.resolve("admin-token").toString())
        .redirectErrorStream(true).redirectOutput(work.resolve("serve.log").toFile()).start();
    Process fleet = null;
    try {
      Admin admin = new Admin(adminPort);
      awaitReady(admin, serve);
      double coldStartMs = (System.nanoTime() - spawned) / 1e6;
      double coldStartCpuMs = cpuMs(serve);
      List<String> fleetCommand = new ArrayList<>(List.of("java", "-Xmx4g", "-XX:MaxDirectMemorySize=8g"));
      String extra = System.getProperty("scale.fleet.opts", "");
      if (!extra.isBlank()) {
        fleetCommand.addAll(Arrays.asList(extra.trim().split("\\s+")));
      }
      fleetCommand.addAll(List.of("-cp", System.getProperty("java.class.path"), Fleet.class.getName(), "127.0.0.1",
          String.valueOf(xdsPort), String.valueOf(n)));
      fleet = new ProcessBuilder(fleetCommand).redirectError(work.resolve("fleet.err").toFile()).start();
      BufferedReader answers = new BufferedReader(new InputStreamReader(fleet.getInputStream(),
          StandardCharsets.UTF_8));
      PrintWriter commands = new PrintWriter(fleet.getOutputStream(), true, StandardCharsets.UTF_8);
      long connecting = Long.parseLong(expect(answers, "connecting")[1]);
      long synced = Long.parseLong(expect(answers, "synced")[1]);
      double syncMs = (synced - connecting) / 1e3;

      List<String> published = new ArrayList<>();
      double[] lastAck = new double[rounds];
      double[] clientP99 = new double[rounds];
      double cpu = 0;
      double bytes = 0;
      int unconverged = 0;
      double rss = rssMiB(serve);
      for (int i = 0; i < rounds; i++) {
        String before = admin.status().path("configVersion").asText();
        double cpuBefore = cpuMs(serve);
        long t0 = Fleet.nowMicros();
        // route i·7919 mod routes: a different route each round, so every round's content is new
        SyntheticPolicies.writeFleetRoutes(dir, routes, aliases, (int) ((long) i * 7919 % routes), 50 + i % 40);
        JsonNode status = awaitNewVersion(admin, before);
        String rds = status.path("typeVersions").path(RDS).asText();
        published.add(rds);
        commands.println("await " + rds + " " + t0);
        String[] acked = expect(answers, "acked");
        int count = Integer.parseInt(acked[1]);
        unconverged += n - count;
        lastAck[i] = Long.parseLong(acked[4]) / 1e3;
        clientP99[i] = Long.parseLong(acked[3]) / 1e3;
        bytes += Long.parseLong(acked[5]);
        cpu += cpuMs(serve) - cpuBefore;
        rss = Math.max(rss, rssMiB(serve));
      }
      commands.println("check " + String.join(" ", published));
      String[] order = expect(answers, "never-older");
      String neverOlder = String.join(" ", Arrays.copyOfRange(order, 1, order.length));
      commands.println("quit");
      fleet.waitFor();
      double[] sorted = lastAck.clone();
      Arrays.sort(sorted);
      double[] clientSorted = clientP99.clone();
      Arrays.sort(clientSorted);
      Result r = new Result(routes, n, coldStartMs, coldStartCpuMs, syncMs, lastAck[0], percentile(sorted, 50),
          percentile(sorted, 99), sorted[sorted.length - 1], percentile(clientSorted, 99), cpu / rounds,
          bytes / rounds, rss, rounds, unconverged, neverOlder);
      System.out.printf(Locale.ROOT, "routes=%d N=%d: p50 %.0f ms, p99 %.0f ms, first round %.0f ms, sync %.0f ms,"
              + " CPU/change %.0f ms, %.0f bytes/change, RSS %.0f MiB, cold start %.0f ms (%.0f ms CPU), %s%n",
          routes, n, r.p50Ms(), r.p99Ms(), r.firstRoundMs(), syncMs, r.serverCpuMsPerChange(), r.bytesPerChange(),
          rss, coldStartMs, coldStartCpuMs, neverOlder);
      return r;
    } finally {
      if (fleet != null) {
        fleet.destroyForcibly();
      }
      serve.destroy();
      serve.waitFor();
    }
  }

  /** The serve process's admin API: /readyz and /status, read without a token (both are open, GET only). */
  private record Admin(int port) {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    int ready() {
      try {
        return HTTP.send(HttpRequest.newBuilder(uri("/readyz")).build(), HttpResponse.BodyHandlers.discarding())
            .statusCode();
      } catch (IOException e) {
        return -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }

    JsonNode status() throws IOException, InterruptedException {
      return JSON.readTree(HTTP.send(HttpRequest.newBuilder(uri("/status")).build(),
          HttpResponse.BodyHandlers.ofString()).body());
    }

    private URI uri(String path) {
      return URI.create("http://127.0.0.1:" + port + path);
    }
  }

  private static void awaitReady(Admin admin, Process serve) throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (admin.ready() != 200) {
      if (!serve.isAlive()) {
        throw new IllegalStateException("serve exited with " + serve.exitValue() + " before it was ready");
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("serve not ready after " + START_TIMEOUT);
      }
      Thread.sleep(5); // the wait is measured: fine-grained polling
    }
  }

  private static JsonNode awaitNewVersion(Admin admin, String before) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + RELOAD_TIMEOUT.toNanos();
    while (true) {
      JsonNode status = admin.status();
      if (!status.path("configVersion").asText().equals(before)) {
        return status;
      }
      JsonNode last = status.path("lastReload");
      if (last.path("status").asText().equals("failure")) {
        throw new IllegalStateException("the edit was rejected: " + last.path("errors"));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no new version after " + RELOAD_TIMEOUT);
      }
      Thread.sleep(2);
    }
  }

  /** The next line from the fleet, which must start with {@code word}. */
  private static String[] expect(BufferedReader answers, String word) throws IOException {
    String line = answers.readLine();
    if (line == null || !line.startsWith(word)) {
      throw new IllegalStateException("fleet said " + line + " where " + word + " was expected");
    }
    return line.split(" ");
  }

  private static double cpuMs(Process process) {
    return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e6).orElse(Double.NaN);
  }

  private static double rssMiB(Process process) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
        }
      }
      return Double.NaN;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void print(List<Result> results) {
    System.out.println();
    System.out.println("| routes | N | save → last ACK p50 | p99 | max | first round | clients' p99 | server CPU/change"
        + " | bytes/change | RSS | initial sync | cold start (CPU) | p99 / floor | never older |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (Result r : results) {
      Result floor = floor(results, r);
      System.out.printf(Locale.ROOT, "| %,d | %,d | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %s |"
              + " %.0f MiB | %.1f s | %.1f s (%.1f s) | %s | %s%s |%n",
          r.routes(), r.n(), r.p50Ms(), r.p99Ms(), r.maxMs(), r.firstRoundMs(), r.clientP99Ms(),
          r.serverCpuMsPerChange(), bytes(r.bytesPerChange()), r.rssMiB(), r.syncMs() / 1e3, r.coldStartMs() / 1e3,
          r.coldStartCpuMs() / 1e3,
          floor == r ? "floor" : String.format(Locale.ROOT, "%.2f×", r.p99Ms() / floor.p99Ms()),
          r.neverOlder(), r.unconverged() == 0 ? "" : ", " + r.unconverged() + " client-rounds not converged");
    }
  }

  /** The same N at the fewest routes: the pipeline with next to nothing to send. */
  private static Result floor(List<Result> results, Result r) {
    return results.stream().filter(b -> b.n() == r.n()).min(java.util.Comparator.comparingInt(Result::routes))
        .orElseThrow();
  }

  private static void record(List<Result> results) {
    for (Result r : results) {
      Result floor = floor(results, r);
      boolean isFloor = floor == r;
      String at = String.format(Locale.ROOT, "%,d routes, N=%,d", r.routes(), r.n());
      String floorName = isFloor ? "" : String.format(Locale.ROOT, "same N at %,d routes", floor.routes());
      boolean target = r.routes() == 2000 && r.n() == 1000;
      Figures.record("scale save→last ACK p99, " + at, r.p99Ms(), "ms", floorName,
          isFloor ? Figures.NONE : floor.p99Ms(), target ? 300 : Figures.NONE);
      Figures.record("  server CPU per change, " + at, r.serverCpuMsPerChange(), "ms", floorName,
          isFloor ? Figures.NONE : floor.serverCpuMsPerChange(), Figures.NONE);
      Figures.record("  bytes per change, " + at, r.bytesPerChange(), "B", floorName,
          isFloor ? Figures.NONE : floor.bytesPerChange(), Figures.NONE);
      Figures.record("  server RSS, " + at, r.rssMiB(), "MiB", "", Figures.NONE, target ? 1024 : Figures.NONE);
      Figures.record("  initial sync, " + at, r.syncMs(), "ms", "", Figures.NONE, target ? 10_000 : Figures.NONE);
    }
  }

  private static String bytes(double b) {
    return b >= 1 << 20
        ? String.format(Locale.ROOT, "%.2f MB", b / 1e6)
        : String.format(Locale.ROOT, "%.0f kB", b / 1e3);
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "?";
    }
  }
}
