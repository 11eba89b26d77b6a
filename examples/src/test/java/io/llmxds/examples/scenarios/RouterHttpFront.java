package io.llmxds.examples.scenarios;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An HTTP/1.1 listener on a loopback port the OS chooses that hands every request to a {@link PushedConfigRouter}
 * and writes back what it served: so that a real HTTP client (the official OpenAI SDK) talks to the Envoy model as
 * it would to Envoy's listener. One request at a time (the server's single dispatcher thread), as the model expects.
 */
final class RouterHttpFront implements AutoCloseable {
  private final HttpServer server;

  private RouterHttpFront(HttpServer server) {
    this.server = server;
  }

  static RouterHttpFront start(PushedConfigRouter router) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> serve(router, exchange));
    server.start();
    return new RouterHttpFront(server);
  }

  /** The base URL an OpenAI client is given: the OpenAI API's {@code /v1} on this listener. */
  String openAiBaseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  private static void serve(PushedConfigRouter router, HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put(":method", exchange.getRequestMethod());
      headers.put(":path", exchange.getRequestURI().getRawPath()
          + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
      exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, String.join(",", values)));
      byte[] body = exchange.getRequestBody().readAllBytes();
      PushedConfigRouter.Served served = router.send(new PushedConfigRouter.Request(headers,
          body.length == 0 ? null : new String(body, StandardCharsets.UTF_8)));
      byte[] answer = served.body().getBytes(StandardCharsets.UTF_8);
      served.headers().forEach((name, value) -> {
        if (!List.of("content-length", "transfer-encoding").contains(name.toLowerCase())) {
          exchange.getResponseHeaders().add(name, value);
        }
      });
      exchange.sendResponseHeaders(served.status(), answer.length == 0 ? -1 : answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
