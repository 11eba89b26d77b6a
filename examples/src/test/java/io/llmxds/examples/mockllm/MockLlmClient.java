package io.llmxds.examples.mockllm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP/1.1 calls to a mock LLM (or anything else on loopback), and OpenAI request bodies. */
public final class MockLlmClient {
  public static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(TIMEOUT).build();

  private MockLlmClient() {}

  /** A chat request for {@code model} whose messages alternate user, assistant, user, … */
  public static String chat(String model, boolean stream, String... contents) {
    ObjectNode body = JSON.createObjectNode().put("model", model);
    ArrayNode messages = body.putArray("messages");
    for (int i = 0; i < contents.length; i++) {
      messages.addObject().put("role", i % 2 == 0 ? "user" : "assistant").put("content", contents[i]);
    }
    if (stream) {
      body.put("stream", true).putObject("stream_options").put("include_usage", true);
    }
    return body.toString();
  }

  public static HttpResponse<String> post(int port, String path, String body, String... headers) {
    return send(request(port, path, headers).POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  public static HttpResponse<String> get(int port, String path) {
    return send(request(port, path).GET());
  }

  public static HttpResponse<String> send(HttpRequest.Builder request) {
    return send(request, HttpResponse.BodyHandlers.ofString());
  }

  public static <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
    try {
      return HTTP.send(request.build(), body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static HttpRequest.Builder request(int port, String path, String... headers) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(TIMEOUT)
        .header("content-type", "application/json");
    if (headers.length > 0) {
      builder.headers(headers);
    }
    return builder;
  }

  public static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
