package io.llmxds.filters.extproc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.HeaderSendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Drives a {@link ContextProcessor} as Envoy's ext_proc filter does: a real gRPC server on a loopback port chosen by
 * the OS, one bidirectional {@code Process} stream per HTTP request opened with the route's initial metadata, each
 * message waiting for its answer, mode overrides honoured (a body Envoy would not send is not sent; an SSE response
 * switched to STREAMED goes chunk by chunk, otherwise the chunks go as one BUFFERED body), and an immediate
 * response ending the exchange.
 */
public final class FakeEnvoy implements AutoCloseable {
  private static final long WAIT_SECONDS = 10;

  private final Server server;
  private final ManagedChannel channel;

  private FakeEnvoy(Server server, int port) {
    this.server = server;
    this.channel = NettyChannelBuilder.forAddress(InetAddress.getLoopbackAddress().getHostAddress(), port)
        .usePlaintext()
        .build();
  }

  /** Serves {@code processor} on a loopback port of its own. */
  static FakeEnvoy serving(ContextProcessor processor) throws IOException {
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .addService(processor.service())
        .build()
        .start();
    return new FakeEnvoy(server, server.getPort());
  }

  /** Talks to a service already running on a loopback port. */
  public static FakeEnvoy connectedTo(int port) {
    return new FakeEnvoy(null, port);
  }

  /** An HTTP request and the upstream's response, as Envoy would see them. */
  public record Http(Map<String, String> metadata, Map<String, String> requestHeaders, String requestBody,
      Map<String, String> responseHeaders, List<byte[]> responseChunks) {}

  /** The upstream's response: its headers (with {@code :status}) and its body in chunks. */
  public record Upstream(Map<String, String> headers, List<byte[]> chunks) {}

  /** Every ProcessingResponse of one exchange, by the message they answered. */
  public record Answers(ProcessingResponse requestHeaders, ProcessingResponse requestBody,
      ProcessingResponse responseHeaders, List<ProcessingResponse> responseBodies, boolean streamed) {

    /** The request body as the upstream receives it. */
    public String upstreamBody(String sent) {
      return requestBody != null && requestBody.getRequestBody().getResponse().hasBodyMutation()
          ? requestBody.getRequestBody().getResponse().getBodyMutation().getBody().toStringUtf8() : sent;
    }
  }

  public Answers exchange(Http http) {
    return exchange(http.metadata(), http.requestHeaders(), http.requestBody(),
        request -> new Upstream(http.responseHeaders(), http.responseChunks()));
  }

  /**
   * One HTTP request whose upstream is called in the middle, as Envoy does: once the request path is processed,
   * {@code upstream} gets its answers so far (request headers and body) and returns what the upstream answered,
   * which then goes through the response path.
   */
  public Answers exchange(Map<String, String> metadata, Map<String, String> requestHeaders, String requestBody,
      Function<Answers, Upstream> upstream) {
    Stream stream = open(metadata);
    try {
      boolean hasBody = requestBody != null;
      ProcessingResponse headers = stream.send(ProcessingRequest.newBuilder()
          .setRequestHeaders(HttpHeaders.newBuilder().setHeaders(headerMap(requestHeaders))
              .setEndOfStream(!hasBody))
          .build());
      assertThat(headers.hasRequestHeaders()).as("answer to request_headers").isTrue();
      boolean skipRest = headers.hasModeOverride()
          && headers.getModeOverride().getRequestBodyMode() == BodySendMode.NONE;
      ProcessingResponse body = null;
      if (hasBody && !skipRest) {
        body = stream.send(ProcessingRequest.newBuilder()
            .setRequestBody(HttpBody.newBuilder()
                .setBody(ByteString.copyFrom(requestBody, StandardCharsets.UTF_8)).setEndOfStream(true))
            .build());
        if (body.hasImmediateResponse()) {
          return new Answers(headers, body, null, List.of(), false);
        }
        assertThat(body.hasRequestBody()).as("answer to request_body").isTrue();
      }
      if (skipRest && headers.getModeOverride().getResponseHeaderMode() == HeaderSendMode.SKIP) {
        return new Answers(headers, body, null, List.of(), false);
      }
      Upstream answer = upstream.apply(new Answers(headers, body, null, List.of(), false));
      ProcessingResponse responseHeaders = stream.send(ProcessingRequest.newBuilder()
          .setResponseHeaders(HttpHeaders.newBuilder().setHeaders(headerMap(answer.headers())))
          .build());
      assertThat(responseHeaders.hasResponseHeaders()).as("answer to response_headers").isTrue();
      boolean streamed = responseHeaders.hasModeOverride()
          && responseHeaders.getModeOverride().getResponseBodyMode() == BodySendMode.STREAMED;
      List<ByteString> chunks = new ArrayList<>();
      if (streamed) {
        answer.chunks().forEach(c -> chunks.add(ByteString.copyFrom(c)));
      } else {
        chunks.add(answer.chunks().stream().map(ByteString::copyFrom).reduce(ByteString.EMPTY,
            ByteString::concat));
      }
      List<ProcessingResponse> bodies = new ArrayList<>();
      for (int i = 0; i < chunks.size(); i++) {
        ProcessingResponse bodyAnswer = stream.send(ProcessingRequest.newBuilder()
            .setResponseBody(HttpBody.newBuilder().setBody(chunks.get(i)).setEndOfStream(i == chunks.size() - 1))
            .build());
        assertThat(bodyAnswer.hasResponseBody()).as("answer to response_body").isTrue();
        bodies.add(bodyAnswer);
      }
      return new Answers(headers, body, responseHeaders, bodies, streamed);
    } finally {
      stream.end();
    }
  }

  Stream open(Map<String, String> metadata) {
    Metadata headers = new Metadata();
    metadata.forEach((k, v) -> headers.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
    Stream stream = new Stream();
    stream.requests = ExternalProcessorGrpc.newStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .process(stream);
    return stream;
  }

  /** One ext_proc stream: each message is sent and its answer awaited, as Envoy does. */
  static final class Stream implements StreamObserver<ProcessingResponse> {
    private final BlockingQueue<ProcessingResponse> answers = new LinkedBlockingQueue<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Throwable error;
    private StreamObserver<ProcessingRequest> requests;

    ProcessingResponse send(ProcessingRequest request) {
      requests.onNext(request);
      try {
        ProcessingResponse answer = answers.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(error).as("stream error").isNull();
        assertThat(answer).as("an answer to " + request.getRequestCase()).isNotNull();
        return answer;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    void end() {
      requests.onCompleted();
      try {
        assertThat(closed.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("stream closed by the service").isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      assertThat(answers).as("no unasked answers").isEmpty();
    }

    @Override
    public void onNext(ProcessingResponse value) {
      answers.add(value);
    }

    @Override
    public void onError(Throwable t) {
      error = t;
      closed.countDown();
    }

    @Override
    public void onCompleted() {
      closed.countDown();
    }
  }

  /** Headers as Envoy ≥ 1.30 sends them ({@code raw_value}), or as older ones do when the name starts with "v:". */
  static HeaderMap headerMap(Map<String, String> headers) {
    HeaderMap.Builder map = HeaderMap.newBuilder();
    headers.forEach((k, v) -> map.addHeaders(k.startsWith("v:")
        ? HeaderValue.newBuilder().setKey(k.substring(2)).setValue(v)
        : HeaderValue.newBuilder().setKey(k).setRawValue(ByteString.copyFromUtf8(v))));
    return map.build();
  }

  public static Map<String, String> headers(String... pairs) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return map;
  }

  @Override
  public void close() {
    try {
      channel.shutdownNow().awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS);
      if (server != null) {
        server.shutdownNow().awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
