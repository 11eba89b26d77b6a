package io.llmxds.examples.mockllm;

import com.google.protobuf.Struct;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.llmxds.common.ContextPolicyMetadata;
import io.llmxds.common.DataPathConfig;
import io.llmxds.cp.translate.Names;
import io.llmxds.filters.extproc.FakeEnvoy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link LoopbackHttpFront} that plays the gateway's Envoy for a real SDK client: each request goes through
 * {@link FakeEnvoy} (the context service's ext_proc stream, docs/envoy-semantics.md) and is then routed by the
 * {@code x-llm-model} it got to that model's mock, or answered with the catch-all route's JSON 404; the upstream's
 * answer comes back through the response phase, cut into small chunks as a network would.
 */
final class EnvoyFront implements AutoCloseable {

  /** What one request was routed by, and to which mock; the usage the service reported for it. */
  record Routed(String path, Optional<String> model, Optional<String> backend, Optional<Struct> usage) {}

  private final FakeEnvoy envoy;
  private final Map<String, MockLlm> mocks;
  private final LoopbackHttpFront front;
  private final List<Routed> routed = new CopyOnWriteArrayList<>();

  EnvoyFront(FakeEnvoy envoy, Map<String, MockLlm> mocksByModel) throws IOException {
    this.envoy = envoy;
    this.mocks = mocksByModel;
    front = LoopbackHttpFront.start(this::handle);
  }

  int port() {
    return front.port();
  }

  List<Routed> routed() {
    return routed;
  }

  private LoopbackHttpFront.Answer handle(LoopbackHttpFront.Request request) {
    Map<String, String> headers = request.headers();
    String body = new String(request.body(), StandardCharsets.UTF_8);
    String[] backend = new String[1];
    FakeEnvoy.Answers answers = envoy.exchange(Map.of(), headers, body, forwarded -> {
      Optional<String> model = Optional.ofNullable(forwarded.headers().get(DataPathConfig.MODEL_HEADER));
      MockLlm mock = model.map(mocks::get).orElse(null);
      if (mock == null) {
        return new FakeEnvoy.Upstream(Map.of(":status", "404", "content-type", "application/json"),
            List.of(Names.UNKNOWN_MODEL_BODY.getBytes(StandardCharsets.UTF_8)));
      }
      HttpResponse<byte[]> upstream = call(mock.port(), forwarded);
      backend[0] = upstream.headers().firstValue(CompletionsHandler.BACKEND_HEADER).orElse(null);
      Map<String, String> answerHeaders = new TreeMap<>();
      upstream.headers().map().forEach((name, values) -> answerHeaders.put(name, values.get(0)));
      answerHeaders.put(":status", Integer.toString(upstream.statusCode()));
      return new FakeEnvoy.Upstream(answerHeaders, chunks(upstream.body(), 13));
    });
    routed.add(new Routed(headers.get(":path"),
        Optional.ofNullable(answers.forwarded()).map(f -> f.headers().get(DataPathConfig.MODEL_HEADER)),
        Optional.ofNullable(backend[0]), usage(answers)));
    return answers.localReply()
        .map(reply -> new LoopbackHttpFront.Answer(reply.status(), reply.headers(), reply.body()))
        .orElseGet(() -> new LoopbackHttpFront.Answer(answers.delivered().status(), answers.delivered().headers(),
            answers.delivered().body()));
  }

  private static Optional<Struct> usage(FakeEnvoy.Answers answers) {
    return answers.responseBodies().stream().filter(ProcessingResponse::hasDynamicMetadata).findFirst()
        .map(r -> r.getDynamicMetadata().getFieldsOrThrow(ContextPolicyMetadata.USAGE_NAMESPACE).getStructValue());
  }

  private static HttpResponse<byte[]> call(int port, FakeEnvoy.Forwarded forwarded) {
    HttpRequest.Builder request = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + forwarded.headers().get(":path")));
    forwarded.headers().forEach((name, value) -> {
      if (!name.startsWith(":") && !LoopbackHttpFront.HOP_HEADERS.contains(name)) {
        request.header(name, value);
      }
    });
    request.POST(HttpRequest.BodyPublishers.ofString(forwarded.body()));
    return MockLlmClient.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The body cut every {@code size} bytes, as a network would (inside lines, anywhere); one empty chunk if empty. */
  static List<byte[]> chunks(byte[] bytes, int size) {
    if (bytes.length == 0) {
      return List.of(bytes);
    }
    List<byte[]> chunks = new ArrayList<>();
    for (int from = 0; from < bytes.length; from += size) {
      chunks.add(Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + size)));
    }
    return chunks;
  }

  @Override
  public void close() {
    front.close();
  }
}
