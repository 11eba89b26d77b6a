package io.llmxds.examples.mockllm;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * An OpenAI-compatible chat-completions upstream for demos and tests: {@code POST <any prefix>/chat/completions}
 * answers as OpenAI does (JSON, or SSE with {@code "stream": true}), echoing the requested model, saying how many
 * messages it received (so injected history is visible) and marking every answer with {@code x-llm-backend}.
 * Latency and errors can be injected for the whole server ({@link Settings}) or per request (headers
 * {@code x-mock-latency-ms}, {@code x-mock-status}, and {@code x-mock-fail-on} for a fault only the named backends
 * answer). {@code GET /healthz} answers 200. Plain HTTP unless the settings give it a TLS identity ({@link Tls}).
 */
public final class MockLlm implements AutoCloseable {
  static {
    // The JDK server writes headers and body separately; with Nagle's algorithm against the client's delayed ACK
    // every answer then waits ~40 ms (measured: 45 ms vs 1.5 ms per request). Read once, by the first server a JVM
    // creates: a stack starts its mocks before anything else.
    System.getProperties().putIfAbsent("sun.net.httpserver.nodelay", "true");
  }


  /**
   * @param backend the name answers carry in {@code x-llm-backend} and in their text
   * @param port 0 lets the OS choose
   * @param latency the wait before the first byte of every chat answer
   * @param errorRate the share of chat requests answered with {@code errorStatus}, drawn per request
   * @param errorStatus the status of an injected error (4xx or 5xx)
   * @param tls serve HTTPS with this identity; empty: plain HTTP
   */
  public record Settings(String backend, String host, int port, Duration latency, double errorRate,
      int errorStatus, Optional<Tls> tls) {

    public Settings {
      Objects.requireNonNull(backend, "backend");
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(latency, "latency");
      Objects.requireNonNull(tls, "tls");
      if (backend.isBlank()) {
        throw new IllegalArgumentException("backend must not be blank");
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, got " + port);
      }
      if (latency.isNegative()) {
        throw new IllegalArgumentException("latency must not be negative, got " + latency);
      }
      if (!(errorRate >= 0 && errorRate <= 1)) {
        throw new IllegalArgumentException("errorRate must be between 0 and 1, got " + errorRate);
      }
      if (errorStatus < 400 || errorStatus > 599) {
        throw new IllegalArgumentException("errorStatus must be 4xx or 5xx, got " + errorStatus);
      }
    }

    /** Plain HTTP. */
    public Settings(String backend, String host, int port, Duration latency, double errorRate, int errorStatus) {
      this(backend, host, port, latency, errorRate, errorStatus, Optional.empty());
    }

    /** On 127.0.0.1, plain HTTP, no latency, no errors (503 when a rate is set later). */
    public static Settings of(String backend, int port) {
      return new Settings(backend, "127.0.0.1", port, Duration.ZERO, 0, 503);
    }

    public Settings withLatency(Duration value) {
      return new Settings(backend, host, port, value, errorRate, errorStatus, tls);
    }

    public Settings withErrors(double rate, int status) {
      return new Settings(backend, host, port, latency, rate, status, tls);
    }

    public Settings withTls(Tls identity) {
      return new Settings(backend, host, port, latency, errorRate, errorStatus, Optional.of(identity));
    }
  }

  /**
   * The identity of an HTTPS mock, as {@code openssl} writes it: PEM files read when the server starts.
   *
   * @param certificateChain the server's certificate first, then any intermediates
   * @param privateKey its key, unencrypted PKCS#8 ({@code -----BEGIN PRIVATE KEY-----})
   */
  public record Tls(Path certificateChain, Path privateKey) {
    public Tls {
      Objects.requireNonNull(certificateChain, "certificateChain");
      Objects.requireNonNull(privateKey, "privateKey");
    }
  }

  private final Settings settings;
  private final HttpServer server;
  private final ExecutorService executor;
  private final CompletionsHandler handler;

  private MockLlm(Settings settings, HttpServer server, ExecutorService executor, CompletionsHandler handler) {
    this.settings = settings;
    this.server = server;
    this.executor = executor;
    this.handler = handler;
  }

  public static MockLlm start(Settings settings) throws IOException {
    return start(settings, new Random());
  }

  /** Starts with {@code random} drawing the injected errors: a seeded one gives a reproducible sequence. */
  public static MockLlm start(Settings settings, RandomGenerator random) throws IOException {
    HttpServer server;
    try {
      server = create(settings);
    } catch (BindException e) {
      throw new BindException("mock LLM '" + settings.backend() + "' cannot listen on " + settings.host() + ":"
          + settings.port() + ": " + e.getMessage());
    }
    ExecutorService executor = Executors.newCachedThreadPool(daemonThreads("mock-llm-" + settings.backend()));
    CompletionsHandler handler = new CompletionsHandler(settings.backend(), new FaultInjection(settings.backend(),
        settings.latency(), settings.errorRate(), settings.errorStatus(), random));
    server.createContext("/", handler);
    // Each request waits out its own latency: a thread per request keeps one slow answer from delaying the next.
    server.setExecutor(executor);
    server.start();
    return new MockLlm(settings, server, executor, handler);
  }

  /** Reads the TLS identity first, so that a bad key file fails before a port is taken. */
  private static HttpServer create(Settings settings) throws IOException {
    InetSocketAddress address = new InetSocketAddress(settings.host(), settings.port());
    if (settings.tls().isEmpty()) {
      return HttpServer.create(address, 0);
    }
    HttpsConfigurator configurator = new HttpsConfigurator(PemTls.server(settings.tls().get()));
    HttpsServer server = HttpsServer.create(address, 0);
    server.setHttpsConfigurator(configurator);
    return server;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http} or {@code https}. */
  public String scheme() {
    return settings.tls().isPresent() ? "https" : "http";
  }

  public String backend() {
    return settings.backend();
  }

  /** Chat-completion requests received so far, whatever they were answered with. */
  public long requests() {
    return handler.requests();
  }

  /** The headers of the last chat-completion request, names lower-cased (none yet: empty). */
  public Map<String, List<String>> lastHeaders() {
    return handler.lastHeaders();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
