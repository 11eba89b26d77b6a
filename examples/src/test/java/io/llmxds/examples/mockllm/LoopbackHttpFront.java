package io.llmxds.examples.mockllm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * An HTTP/1.1 listener on a loopback port the OS chooses that hands each request, as Envoy's filters see one, to a
 * model of the gateway and writes back its answer: so that a real HTTP client (an official SDK) talks to the model
 * as it would to Envoy's listener. One request at a time (the server's single dispatcher thread).
 */
public final class LoopbackHttpFront implements AutoCloseable {
  /** Hop-by-hop headers (and those Java's HTTP client sets itself): never copied from one leg to the other. */
  public static final Set<String> HOP_HEADERS =
      Set.of("content-length", "transfer-encoding", "connection", "host", "expect", "upgrade");

  /**
   * A client's request.
   *
   * @param headers {@code :method}, {@code :path} (with its query) and the client's headers, names lower-cased,
   *     repeated values joined by {@code ,}
   * @param body the body; empty when none
   */
  public record Request(Map<String, String> headers, byte[] body) {}

  /** The answer the client gets; pseudo and hop-by-hop headers among {@code headers} are not sent. */
  public record Answer(int status, Map<String, String> headers, String body) {}

  private final HttpServer server;

  private LoopbackHttpFront(HttpServer server) {
    this.server = server;
  }

  public static LoopbackHttpFront start(Function<Request, Answer> gateway) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> serve(gateway, exchange));
    server.start();
    return new LoopbackHttpFront(server);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void serve(Function<Request, Answer> gateway, HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put(":method", exchange.getRequestMethod());
      String query = exchange.getRequestURI().getRawQuery();
      headers.put(":path", exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query));
      exchange.getRequestHeaders().forEach((name, values) ->
          headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
      Answer answer = gateway.apply(new Request(headers, exchange.getRequestBody().readAllBytes()));
      answer.headers().forEach((name, value) -> {
        if (!name.startsWith(":") && !HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
          exchange.getResponseHeaders().set(name, value);
        }
      });
      byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
