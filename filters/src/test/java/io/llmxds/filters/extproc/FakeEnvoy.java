package io.llmxds.filters.extproc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.HeaderSendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ImmediateResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.llmxds.common.ContextPolicyMetadata;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A model of Envoy v1.34's ext_proc filter driving a real {@link ContextProcessor} over gRPC on a loopback port the
 * OS chooses: one {@code Process} stream per HTTP request, opened with the route's initial metadata, each message
 * waiting for its answer. It implements the ext_proc rows of docs/envoy-semantics.md and nothing else:
 * <ul>
 *   <li>messages are sent by the filter's configured {@link Filter#mode}; a {@code mode_override} is honoured only in
 *       a response to a headers message, and only with {@code allow_mode_override}: its non-DEFAULT header modes and
 *       both body modes replace the <em>configured</em> mode (ext_proc.cc:1257-1276, 1314-1339);</li>
 *   <li>request attributes ride on the first message of the request (ext_proc.cc:786-794, 1030-1036, 1201-1213);</li>
 *   <li>header mutations are applied to the request; {@code content-length} is dropped, and a new one ignored, in
 *       BUFFERED mode without headers (processor_state.h:190-198, mutation_utils.cc:150-154); a BUFFERED body
 *       mutation whose length differs from the request's {@code content-length} fails the request with a 500
 *       (processor_state.cc:367-380, 469-485; ext_proc.cc:1424-1435);</li>
 *   <li>{@code clear_route_cache} takes effect only when the same response mutates headers, and never upstream
 *       (processor_state.cc:638-676);</li>
 *   <li>an immediate response ends the exchange as Envoy's local reply;</li>
 *   <li>a failed stream (gRPC error) lets the request go on unchanged with {@code failure_mode_allow}, else Envoy
 *       answers 500 (ext_proc.cc onGrpcError).</li>
 * </ul>
 * The upstream in the middle of an exchange is the caller's: it gets the request as Envoy would forward it.
 * {@link #exchangeAuthorized} puts the edge's ext_authz filter ({@link FakeExtAuthz}, rows EA1–EA6) in front.
 */
public final class FakeEnvoy implements AutoCloseable {
  private static final long WAIT_SECONDS = 10;

  /**
   * The ext_proc filter as configured in Envoy.
   *
   * @param attributes request attributes by expression, as Envoy evaluated them for this request (none: no
   *     {@code request_attributes})
   */
  public record Filter(ProcessingMode mode, boolean allowModeOverride, boolean failOpen, boolean upstream,
      Map<String, String> attributes) {

    /** The listener's ext_proc filter of the edge flavor (docs/translation.md "HTTP filters and their order"). */
    public static final Filter EDGE = new Filter(ProcessingMode.newBuilder()
        .setRequestHeaderMode(HeaderSendMode.SEND)
        .setRequestBodyMode(BodySendMode.BUFFERED)
        .setResponseHeaderMode(HeaderSendMode.SEND)
        .setResponseBodyMode(BodySendMode.BUFFERED)
        .setRequestTrailerMode(HeaderSendMode.SKIP)
        .setResponseTrailerMode(HeaderSendMode.SKIP)
        .build(), true, true, false, Map.of());

    /** The upstream phase of a cluster ({@code allow_mode_override}), for one try whose attributes are as given. */
    public static Filter upstreamRewriter(ProcessingMode mode, Map<String, String> attributes) {
      return new Filter(mode, true, true, true, Map.copyOf(attributes));
    }

    /** The stream's attributes as Envoy sends them: under the filter's name, keyed by the expression text. */
    Map<String, Struct> attributeStruct() {
      Struct.Builder values = Struct.newBuilder();
      attributes.forEach((expr, value) -> values.putFields(expr, Value.newBuilder().setStringValue(value).build()));
      return Map.of(ContextPolicyMetadata.ATTRIBUTES_KEY, values.build());
    }
  }

  private final Server server;
  private final ManagedChannel channel;
  private final FakeExtAuthz extAuthz;

  private FakeEnvoy(Server server, int port) {
    this(server, NettyChannelBuilder.forAddress(InetAddress.getLoopbackAddress().getHostAddress(), port)
        .usePlaintext());
  }

  private FakeEnvoy(Server server, NettyChannelBuilder channel) {
    this.server = server;
    this.channel = channel
        // Envoy sends a buffered body as one message, up to the listener's buffer limit.
        .maxInboundMessageSize(64 << 20)
        .build();
    this.extAuthz = new FakeExtAuthz(this.channel, FakeExtAuthz.Settings.EDGE);
  }

  /** Serves {@code processor} on a loopback port of its own. */
  static FakeEnvoy serving(ContextProcessor processor) throws IOException {
    return serving(processor, List.of());
  }

  /** Serves {@code processor} and {@code others} (the ext_authz service) on one loopback port, as the service does. */
  static FakeEnvoy serving(ContextProcessor processor, List<io.grpc.ServerServiceDefinition> others)
      throws IOException {
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        0)).addService(processor.service());
    others.forEach(builder::addService);
    Server server = builder.build().start();
    return new FakeEnvoy(server, server.getPort());
  }

  /** Stops the service's gRPC server (Envoy stays): every call Envoy makes to it fails from now on. */
  void stopService() throws InterruptedException {
    server.shutdownNow().awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /** The edge's ext_authz filter alone. */
  public FakeExtAuthz extAuthz() {
    return extAuthz;
  }

  /** An ext_authz filter configured as given, calling the service this model talks to. */
  public FakeExtAuthz extAuthz(FakeExtAuthz.Settings settings) {
    return new FakeExtAuthz(channel, settings);
  }

  /**
   * {@link #exchange(Http)} behind the edge's ext_authz filter, first in the chain: a denied or failed check ends
   * the request in Envoy's local reply before ext_proc sees it; an allowed one goes on with the check's mutations.
   */
  public Answers exchangeAuthorized(Http http) {
    FakeExtAuthz.Result checked = extAuthz.check(http.requestHeaders());
    if (checked.localReply().isPresent()) {
      return new Answers(null, null, null, List.of(), false, null, null, checked.localReply());
    }
    return exchange(new Http(http.metadata(), checked.forwarded().orElseThrow(), http.requestBody(),
        http.responseHeaders(), http.responseChunks()));
  }

  /** Talks to a service already running on a loopback port. */
  public static FakeEnvoy connectedTo(int port) {
    return new FakeEnvoy(null, port);
  }

  /** Talks to a service on a loopback port over {@code credentials} (TLS, with Envoy's client certificate). */
  public static FakeEnvoy connectedTo(int port, ChannelCredentials credentials) {
    return new FakeEnvoy(null,
        NettyChannelBuilder.forAddress(InetAddress.getLoopbackAddress().getHostAddress(), port, credentials));
  }

  /** An HTTP request and the upstream's response, as Envoy would see them. */
  public record Http(Map<String, String> metadata, Map<String, String> requestHeaders, String requestBody,
      Map<String, String> responseHeaders, List<byte[]> responseChunks) {}

  /** The upstream's response: its headers (with {@code :status}) and its body in chunks. */
  public record Upstream(Map<String, String> headers, List<byte[]> chunks) {}

  /**
   * The request as Envoy forwards it after the request phase.
   *
   * @param routeCacheCleared the route is re-picked on {@link #headers} before later filters run
   */
  public record Forwarded(Map<String, String> headers, String body, boolean routeCacheCleared,
      Struct dynamicMetadata) {

    public Forwarded(Map<String, String> headers, String body, boolean routeCacheCleared) {
      this(headers, body, routeCacheCleared, Struct.getDefaultInstance());
    }
  }

  /** The response as the client gets it, after the service's response-phase mutations. */
  public record Delivered(Map<String, String> headers, String body) {
    public int status() {
      return Integer.parseInt(headers.getOrDefault(":status", "200"));
    }
  }

  /** A reply Envoy makes itself: an immediate response of the service, or Envoy's own error. */
  public record LocalReply(int status, Map<String, String> headers, String body, String details) {}

  /**
   * Every ProcessingResponse of one exchange, by the message they answered, and what Envoy made of them.
   *
   * @param forwarded what went upstream; null when the request ended in a local reply first
   * @param delivered what the client got; null when the request ended in a local reply first
   */
  public record Answers(ProcessingResponse requestHeaders, ProcessingResponse requestBody,
      ProcessingResponse responseHeaders, List<ProcessingResponse> responseBodies, boolean streamed,
      Forwarded forwarded, Delivered delivered, Optional<LocalReply> localReply) {

    /** The request body as the upstream receives it. */
    public String upstreamBody(String sent) {
      return forwarded != null ? forwarded.body() : sent;
    }
  }

  public Answers exchange(Http http) {
    return exchange(http.metadata(), http.requestHeaders(), http.requestBody(),
        request -> new Upstream(http.responseHeaders(), http.responseChunks()));
  }

  /** {@link #exchange(Filter, Map, Map, String, Function)} through the edge's downstream filter. */
  public Answers exchange(Map<String, String> metadata, Map<String, String> requestHeaders, String requestBody,
      Function<Forwarded, Upstream> upstream) {
    return exchange(Filter.EDGE, metadata, requestHeaders, requestBody, upstream);
  }

  /**
   * One HTTP request through {@code filter}, its upstream called in the middle as Envoy does: once the request path
   * is processed, {@code upstream} gets the request as Envoy forwards it and returns the upstream's answer, which
   * then goes through the response path. A client's body comes with its {@code content-length}, as SDKs send it.
   */
  public Answers exchange(Filter filter, Map<String, String> metadata, Map<String, String> requestHeaders,
      String requestBody, Function<Forwarded, Upstream> upstream) {
    Exchange exchange = new Exchange(filter, open(metadata));
    try {
      return exchange.run(requestHeaders, requestBody, upstream);
    } finally {
      exchange.stream.end();
    }
  }

  /** The state of one request through the filter. */
  private static final class Exchange {
    private final Filter filter;
    private final Stream stream;
    private ProcessingMode mode;
    private boolean attributesSent;
    private boolean routeCacheCleared;
    private boolean failed;
    private ProcessingResponse headersAnswer;
    private ProcessingResponse bodyAnswer;

    Exchange(Filter filter, Stream stream) {
      this.filter = filter;
      this.stream = stream;
      this.mode = filter.mode();
    }

    Answers run(Map<String, String> requestHeaders, String requestBody, Function<Forwarded, Upstream> upstream) {
      boolean hasBody = requestBody != null;
      Map<String, String> sent = new LinkedHashMap<>(requestHeaders);
      if (hasBody && lowerCase(requestHeaders).get("content-length") == null) {
        sent.put("content-length", Integer.toString(requestBody.getBytes(StandardCharsets.UTF_8).length));
      }
      Map<String, String> headers = lowerCase(sent);
      String body = requestBody;
      if (mode.getRequestBodyMode() == BodySendMode.BUFFERED && mode.getRequestHeaderMode() == HeaderSendMode.SKIP) {
        headers.remove("content-length");
      }
      try {
        if (sends(mode.getRequestHeaderMode())) {
          headersAnswer = stream.send(withAttributes(ProcessingRequest.newBuilder()
              .setRequestHeaders(HttpHeaders.newBuilder().setHeaders(headerMap(sent)).setEndOfStream(!hasBody))));
          if (headersAnswer.hasImmediateResponse()) {
            return ended(immediate(headersAnswer.getImmediateResponse()));
          }
          assertThat(headersAnswer.hasRequestHeaders()).as("answer to request_headers").isTrue();
          apply(headersAnswer.getRequestHeaders().getResponse(), headers);
          overrideMode(headersAnswer);
        }
        if (hasBody && mode.getRequestBodyMode() == BodySendMode.BUFFERED) {
          bodyAnswer = stream.send(withAttributes(ProcessingRequest.newBuilder()
              .setRequestBody(HttpBody.newBuilder()
                  .setBody(ByteString.copyFrom(requestBody, StandardCharsets.UTF_8)).setEndOfStream(true))));
          if (bodyAnswer.hasImmediateResponse()) {
            return ended(immediate(bodyAnswer.getImmediateResponse()));
          }
          assertThat(bodyAnswer.hasRequestBody()).as("answer to request_body").isTrue();
          CommonResponse common = bodyAnswer.getRequestBody().getResponse();
          apply(common, headers);
          if (common.hasBodyMutation()) {
            String length = headers.get("content-length");
            if (length != null && !length.equals(Integer.toString(common.getBodyMutation().getBody().size()))) {
              return ended(new LocalReply(500, Map.of(), "",
                  "mismatch between content length and the length of the mutated body"));
            }
            body = common.getBodyMutation().getBody().toStringUtf8();
          }
        } else if (hasBody && mode.getRequestBodyMode() != BodySendMode.NONE) {
          throw new AssertionError("body mode " + mode.getRequestBodyMode() + " is not modelled");
        }
      } catch (StreamFailed e) {
        if (!filter.failOpen()) {
          return ended(new LocalReply(500, Map.of(), "", "ext_proc_error_gRPC_error"));
        }
        // failure_mode_allow: the request goes on as it is now, and nothing more is sent to the service.
        failed = true;
      }
      Forwarded forwarded = new Forwarded(headers, body, routeCacheCleared, dynamicMetadata());
      Upstream answer = upstream.apply(forwarded);
      if (failed) {
        return new Answers(headersAnswer, bodyAnswer, null, List.of(), false, forwarded, delivered(answer),
            Optional.empty());
      }
      return responsePath(forwarded, answer);
    }

    /**
     * X18: the dynamic metadata of the request path's answers, each namespace's struct merged into the stream's (the
     * caller keeps the namespaces the filter's {@code receiving_namespaces} list).
     */
    private Struct dynamicMetadata() {
      Map<String, Struct.Builder> merged = new LinkedHashMap<>();
      for (ProcessingResponse answer : new ProcessingResponse[] {headersAnswer, bodyAnswer}) {
        if (answer != null) {
          answer.getDynamicMetadata().getFieldsMap().forEach((ns, value) -> {
            if (value.hasStructValue()) {
              merged.computeIfAbsent(ns, k -> Struct.newBuilder()).mergeFrom(value.getStructValue());
            }
          });
        }
      }
      Struct.Builder all = Struct.newBuilder();
      merged.forEach((ns, struct) -> all.putFields(ns, Value.newBuilder().setStructValue(struct).build()));
      return all.build();
    }

    private static Delivered delivered(Upstream answer) {
      return new Delivered(lowerCase(answer.headers()), new String(answer.chunks().stream()
          .map(ByteString::copyFrom).reduce(ByteString.EMPTY, ByteString::concat).toByteArray(), StandardCharsets.UTF_8));
    }

    private Answers responsePath(Forwarded forwarded, Upstream answer) {
      ProcessingResponse responseHeaders = null;
      List<ProcessingResponse> bodies = new ArrayList<>();
      Map<String, String> clientHeaders = lowerCase(answer.headers());
      List<ByteString> clientBody = new ArrayList<>();
      answer.chunks().forEach(c -> clientBody.add(ByteString.copyFrom(c)));
      try {
        if (sends(mode.getResponseHeaderMode())) {
          responseHeaders = stream.send(ProcessingRequest.newBuilder()
              .setResponseHeaders(HttpHeaders.newBuilder().setHeaders(headerMap(answer.headers()))).build());
          assertThat(responseHeaders.hasResponseHeaders()).as("answer to response_headers").isTrue();
          mutate(responseHeaders.getResponseHeaders().getResponse(), clientHeaders);
          overrideMode(responseHeaders);
          if (mode.getResponseBodyMode() == BodySendMode.STREAMED) {
            // X8: a STREAMED body drops the response's content-length (processor_state.h:190-207).
            clientHeaders.remove("content-length");
          }
        }
        BodySendMode bodyMode = mode.getResponseBodyMode();
        List<ByteString> chunks = new ArrayList<>();
        if (bodyMode == BodySendMode.STREAMED) {
          chunks.addAll(clientBody);
        } else if (bodyMode == BodySendMode.BUFFERED) {
          chunks.add(clientBody.stream().reduce(ByteString.EMPTY, ByteString::concat));
        } else if (bodyMode != BodySendMode.NONE) {
          throw new AssertionError("body mode " + bodyMode + " is not modelled");
        }
        if (!chunks.isEmpty()) {
          clientBody.clear();
        }
        for (int i = 0; i < chunks.size(); i++) {
          ProcessingResponse bodyAnswer = stream.send(ProcessingRequest.newBuilder()
              .setResponseBody(HttpBody.newBuilder().setBody(chunks.get(i)).setEndOfStream(i == chunks.size() - 1))
              .build());
          assertThat(bodyAnswer.hasResponseBody()).as("answer to response_body").isTrue();
          bodies.add(bodyAnswer);
          CommonResponse common = bodyAnswer.getResponseBody().getResponse();
          if (bodyMode == BodySendMode.BUFFERED) {
            // X8: BUFFERED holds the headers until the body's answer: its header mutation applies, and a body
            // mutation must match the content-length then (else Envoy answers 500, X15).
            if (common.hasHeaderMutation()) {
              mutate(common, clientHeaders);
            }
            String length = clientHeaders.get("content-length");
            if (common.hasBodyMutation() && length != null
                && !length.equals(Integer.toString(common.getBodyMutation().getBody().size()))) {
              throw new AssertionError("response content-length " + length + " does not match the mutated body of "
                  + common.getBodyMutation().getBody().size() + " bytes: Envoy would answer 500 (X8, X15)");
            }
          }
          clientBody.add(common.hasBodyMutation() ? common.getBodyMutation().getBody() : chunks.get(i));
        }
      } catch (StreamFailed e) {
        // The response goes on to the client unprocessed with failure_mode_allow; without it Envoy resets it.
      }
      Delivered delivered = new Delivered(clientHeaders, clientBody.stream().reduce(ByteString.EMPTY,
          ByteString::concat).toStringUtf8());
      return new Answers(headersAnswer, bodyAnswer, responseHeaders, bodies,
          mode.getResponseBodyMode() == BodySendMode.STREAMED, forwarded, delivered, Optional.empty());
    }

    private Answers ended(LocalReply reply) {
      return new Answers(headersAnswer, bodyAnswer, null, List.of(), false, null, null, Optional.of(reply));
    }

    private ProcessingRequest withAttributes(ProcessingRequest.Builder request) {
      if (!attributesSent && !filter.attributes().isEmpty()) {
        request.putAllAttributes(filter.attributeStruct());
      }
      attributesSent = true;
      return request.build();
    }

    /** A response's mutations on the request headers, and whether it re-picks the route. */
    private void apply(CommonResponse common, Map<String, String> headers) {
      if (!common.hasHeaderMutation()) {
        return;
      }
      mutate(common, headers);
      if (common.getClearRouteCache() && !filter.upstream()) {
        routeCacheCleared = true;
      }
    }

    /** X6, X8, X10: removals, then sets of {@code raw_value}; a content-length set is skipped where Envoy drops it. */
    private void mutate(CommonResponse common, Map<String, String> headers) {
      boolean dropsContentLength = mode.getRequestBodyMode() == BodySendMode.BUFFERED
          && mode.getRequestHeaderMode() == HeaderSendMode.SKIP;
      for (String removed : common.getHeaderMutation().getRemoveHeadersList()) {
        headers.remove(removed.toLowerCase(Locale.ROOT));
      }
      for (HeaderValueOption set : common.getHeaderMutation().getSetHeadersList()) {
        String name = set.getHeader().getKey().toLowerCase(Locale.ROOT);
        if (dropsContentLength && name.equals("content-length")) {
          continue;
        }
        headers.put(name, set.getHeader().getRawValue().toStringUtf8());
      }
    }

    private void overrideMode(ProcessingResponse headersResponse) {
      if (!filter.allowModeOverride() || !headersResponse.hasModeOverride()) {
        return;
      }
      ProcessingMode override = headersResponse.getModeOverride();
      ProcessingMode.Builder effective = filter.mode().toBuilder();
      if (override.getRequestHeaderMode() != HeaderSendMode.DEFAULT) {
        effective.setRequestHeaderMode(override.getRequestHeaderMode());
      }
      if (override.getResponseHeaderMode() != HeaderSendMode.DEFAULT) {
        effective.setResponseHeaderMode(override.getResponseHeaderMode());
      }
      if (override.getRequestTrailerMode() != HeaderSendMode.DEFAULT) {
        effective.setRequestTrailerMode(override.getRequestTrailerMode());
      }
      if (override.getResponseTrailerMode() != HeaderSendMode.DEFAULT) {
        effective.setResponseTrailerMode(override.getResponseTrailerMode());
      }
      mode = effective.setRequestBodyMode(override.getRequestBodyMode())
          .setResponseBodyMode(override.getResponseBodyMode())
          .build();
    }

    private static boolean sends(HeaderSendMode mode) {
      return mode != HeaderSendMode.SKIP;
    }

    private static LocalReply immediate(ImmediateResponse response) {
      Map<String, String> headers = new LinkedHashMap<>();
      response.getHeaders().getSetHeadersList().forEach(h -> headers.put(h.getHeader().getKey().toLowerCase(Locale.ROOT),
          h.getHeader().getRawValue().toStringUtf8()));
      return new LocalReply(response.getStatus().getCodeValue(), headers, response.getBody().toStringUtf8(),
          response.getDetails());
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

  /** The service failed the stream (a gRPC error), as Envoy's {@code onGrpcError} sees it. */
  static final class StreamFailed extends RuntimeException {
    StreamFailed(Throwable cause) {
      super(cause);
    }
  }

  /** One ext_proc stream: each message is sent and its answer awaited, as Envoy does. */
  static final class Stream implements StreamObserver<ProcessingResponse> {
    private final BlockingQueue<ProcessingResponse> answers = new LinkedBlockingQueue<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Throwable error;
    private StreamObserver<ProcessingRequest> requests;

    ProcessingResponse send(ProcessingRequest request) {
      if (error != null) {
        throw new StreamFailed(error);
      }
      requests.onNext(request);
      try {
        ProcessingResponse answer = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (answer == null && error == null && System.nanoTime() < deadline) {
          answer = answers.poll(50, TimeUnit.MILLISECONDS);
        }
        if (answer == null && error != null) {
          throw new StreamFailed(error);
        }
        assertThat(answer).as("an answer to " + request.getRequestCase()).isNotNull();
        return answer;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    /** Envoy resets the stream (the client went away, a message timed out): a gRPC cancel, no half-close. */
    void cancel() {
      ((ClientCallStreamObserver<ProcessingRequest>) requests).cancel("downstream reset", null);
    }

    void end() {
      if (error == null) {
        requests.onCompleted();
      }
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

  /** Header names lower-cased (and a test's "v:" marker dropped), in order. */
  private static Map<String, String> lowerCase(Map<String, String> headers) {
    Map<String, String> lower = new LinkedHashMap<>();
    headers.forEach((k, v) -> lower.put((k.startsWith("v:") ? k.substring(2) : k).toLowerCase(Locale.ROOT), v));
    return lower;
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
