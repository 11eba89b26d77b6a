package io.llmxds.examples.mockllm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.llmxds.filters.unified.ApiErrors;
import io.llmxds.filters.unified.ApiTranslation;
import io.llmxds.filters.unified.StreamTranslation;
import io.llmxds.filters.unified.Untranslatable;
import io.llmxds.filters.unified.WireApi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * A stand-in for the unified path (the upstream rewriter calling the codec, another branch's work) in front of one
 * provider: the client's request translated into the provider's API and sent to {@code /v1} + its path, the answer
 * (JSON, SSE fed in seeded random pieces as Envoy would hand them on, or an error) translated back. A request that
 * cannot be translated gets a 400 in the client's shape naming the field. Only the codec's contract is used.
 */
final class TranslatingGateway implements Function<LoopbackHttpFront.Request, LoopbackHttpFront.Answer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final int providerPort;
  private final WireApi provider;
  private final Random cuts = new Random(7);

  TranslatingGateway(int providerPort, WireApi provider) {
    this.providerPort = providerPort;
    this.provider = provider;
  }

  @Override
  public LoopbackHttpFront.Answer apply(LoopbackHttpFront.Request request) {
    WireApi client = WireApi.of(request.headers().get(":path")).orElseThrow();
    ApiTranslation translation = ApiTranslation.between(client, provider).orElseThrow();
    try {
      ObjectNode body = translation.request((ObjectNode) JSON.readTree(request.body()));
      HttpRequest.Builder upstream = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + providerPort + "/v1"
              + translation.providerPath())).timeout(Duration.ofSeconds(20)).header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
      request.headers().forEach((name, value) -> {
        if (name.startsWith("x-mock-")) {
          upstream.header(name, value);
        }
      });
      HttpResponse<byte[]> answer = HTTP.send(upstream.build(), HttpResponse.BodyHandlers.ofByteArray());
      ByteString bytes = ByteString.copyFrom(answer.body());
      if (answer.statusCode() / 100 != 2) {
        return json(answer.statusCode(), translation.error(answer.statusCode(), bytes));
      }
      if (answer.headers().firstValue("content-type").orElse("").startsWith("text/event-stream")) {
        return new LoopbackHttpFront.Answer(200, Map.of("content-type", "text/event-stream"),
            stream(translation.stream(), bytes).toStringUtf8());
      }
      return json(200, translation.response((ObjectNode) JSON.readTree(answer.body())));
    } catch (Untranslatable e) {
      return json(400, client == WireApi.OPENAI_CHAT
          ? ApiErrors.openAi(e.reason(), "invalid_request_error", e.field(), "untranslatable")
          : ApiErrors.anthropic("invalid_request_error", e.field() + ": " + e.reason()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private ByteString stream(StreamTranslation translation, ByteString provider) {
    ByteString out = ByteString.EMPTY;
    int at = 0;
    while (at < provider.size()) {
      int size = Math.min(provider.size() - at, 1 + cuts.nextInt(64));
      out = out.concat(translation.feed(provider.substring(at, at + size), at + size == provider.size()));
      at += size;
    }
    return provider.isEmpty() ? translation.feed(ByteString.EMPTY, true) : out;
  }

  private static LoopbackHttpFront.Answer json(int status, ObjectNode body) {
    return new LoopbackHttpFront.Answer(status, Map.of("content-type", "application/json"), body.toString());
  }
}
