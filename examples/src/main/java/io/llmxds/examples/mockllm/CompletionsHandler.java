package io.llmxds.examples.mockllm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mock's HTTP surface: {@code POST} to each {@link MockApi}'s path ({@code …/chat/completions},
 * {@code …/responses}, {@code …/messages}, …), {@code GET /healthz}; 404 and 405 otherwise. Every answer carries
 * {@code x-llm-backend}; every error is an {@code {"error": {…}}} object in the called API's shape (OpenAI's
 * elsewhere).
 */
final class CompletionsHandler implements HttpHandler {
  static final String BACKEND_HEADER = "x-llm-backend";
  private static final Logger log = LoggerFactory.getLogger(CompletionsHandler.class);
  private static final String JSON_TYPE = "application/json";

  private final ObjectMapper json = new ObjectMapper();
  private final String backend;
  private final FaultInjection faults;
  private final AtomicLong requests = new AtomicLong();
  /** What a gateway forwarded, for tests that check what reaches a provider (the client's key must not). */
  private final AtomicReference<Map<String, List<String>>> lastHeaders = new AtomicReference<>(Map.of());

  CompletionsHandler(String backend, FaultInjection faults) {
    this.backend = backend;
    this.faults = faults;
  }

  long requests() {
    return requests.get();
  }

  Map<String, List<String>> lastHeaders() {
    return lastHeaders.get();
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getResponseHeaders().set(BACKEND_HEADER, backend);
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      if (path.equals("/healthz")) {
        if (method.equals("GET")) {
          send(exchange, 200, "text/plain", "ok\n".getBytes(StandardCharsets.UTF_8));
        } else {
          methodNotAllowed(exchange, MockApi.CHAT_COMPLETIONS, "GET");
        }
      } else if (MockApi.of(path).isPresent()) {
        MockApi api = MockApi.of(path).get();
        if (method.equals("POST")) {
          Map<String, List<String>> headers = new TreeMap<>();
          exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
          lastHeaders.set(Collections.unmodifiableMap(headers));
          completion(exchange, api, requests.incrementAndGet());
        } else {
          methodNotAllowed(exchange, api, "POST");
        }
      } else {
        error(exchange, MockApi.CHAT_COMPLETIONS, 404, "invalid_request_error", "unknown_url",
            "Unknown request URL: " + method + " " + path + ". The mock serves POST <prefix>/chat/completions, "
                + "/completions, /embeddings, /moderations, /responses, /images/generations and /messages.");
      }
    }
  }

  private void completion(HttpExchange exchange, MockApi api, long number) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    ChatRequest request;
    FaultInjection.Outcome outcome;
    Duration latency;
    try {
      request = ChatRequest.parse(json, body, api.textField);
      latency = faults.latency(exchange.getRequestHeaders());
      outcome = faults.outcome(exchange.getRequestHeaders());
    } catch (InvalidRequest e) {
      log.debug("[{}] 400 {}", backend, e.getMessage());
      error(exchange, api, 400, "invalid_request_error", e.code(), e.getMessage());
      return;
    }
    sleep(latency);
    log.debug("[{}] {} model={} messages={} stream={}", backend, outcome.status(), request.model(),
        request.messages(), request.stream());
    if (outcome.failed()) {
      error(exchange, api, outcome.status(), errorType(outcome.status()), "mock_error_" + outcome.status(),
          backend + ": simulated " + outcome.status() + " (" + outcome.cause() + ")");
      return;
    }
    ChatReply reply = new ChatReply(json, "chatcmpl-mock-" + backend + "-" + number,
        Instant.now().getEpochSecond(), backend, request);
    List<ObjectNode> events = request.stream() ? api.events(json, reply, request) : List.of();
    if (!events.isEmpty()) {
      stream(exchange, outcome.status(), events, api.endsWithDone());
    } else {
      send(exchange, outcome.status(), JSON_TYPE, json.writeValueAsBytes(api.answer(json, reply, request)));
    }
  }

  /** Server-sent events, each written and flushed on its own so that a client sees the answer arrive in pieces. */
  private void stream(HttpExchange exchange, int status, List<ObjectNode> events, boolean done) throws IOException {
    exchange.getResponseHeaders().set("content-type", "text/event-stream");
    exchange.getResponseHeaders().set("cache-control", "no-cache");
    exchange.sendResponseHeaders(status, 0);
    OutputStream out = exchange.getResponseBody();
    for (ObjectNode event : events) {
      // Typed events (Responses, Anthropic) name their type on an event: line too, as those APIs do.
      String type = event.path("type").asText();
      event(out, type.isEmpty() ? "" : "event: " + type + "\n", json.writeValueAsString(event));
    }
    if (done) {
      event(out, "", "[DONE]");
    }
  }

  private static void event(OutputStream out, String eventLine, String data) throws IOException {
    out.write((eventLine + "data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private void methodNotAllowed(HttpExchange exchange, MockApi api, String allowed) throws IOException {
    exchange.getResponseHeaders().set("allow", allowed);
    error(exchange, api, 405, "invalid_request_error", "method_not_allowed",
        "Method " + exchange.getRequestMethod() + " is not allowed on " + exchange.getRequestURI().getPath()
            + "; use " + allowed + ".");
  }

  private void error(HttpExchange exchange, MockApi api, int status, String type, String code, String message)
      throws IOException {
    send(exchange, status, JSON_TYPE, json.writeValueAsBytes(api.error(json, type, code, message)));
  }

  /** The error types OpenAI uses for these statuses. */
  private static String errorType(int status) {
    if (status == 429) {
      return "rate_limit_error";
    }
    return status >= 500 ? "server_error" : "invalid_request_error";
  }

  private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("content-type", contentType);
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  private static void sleep(Duration latency) throws IOException {
    if (latency.isZero()) {
      return;
    }
    try {
      Thread.sleep(latency.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting out the injected latency", e);
    }
  }
}
