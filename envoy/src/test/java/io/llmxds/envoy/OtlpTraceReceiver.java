package io.llmxds.envoy;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** An OTLP/gRPC trace collector on a loopback port the OS chooses: Envoy exports its request spans to it. */
final class OtlpTraceReceiver implements AutoCloseable {

  /** One received span with its string attributes and its resource's {@code service.name}. */
  record ReceivedSpan(String service, String name, String traceId, String spanId, Map<String, String> attributes) {}

  private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
  private final Server server;

  private OtlpTraceReceiver() throws IOException {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new TraceServiceGrpc.TraceServiceImplBase() {
          @Override
          public void export(ExportTraceServiceRequest request,
              StreamObserver<ExportTraceServiceResponse> response) {
            receive(request);
            response.onNext(ExportTraceServiceResponse.getDefaultInstance());
            response.onCompleted();
          }
        })
        .build()
        .start();
  }

  static OtlpTraceReceiver start() throws IOException {
    return new OtlpTraceReceiver();
  }

  int port() {
    return server.getPort();
  }

  List<ReceivedSpan> spans() {
    return List.copyOf(spans);
  }

  private void receive(ExportTraceServiceRequest request) {
    List<ReceivedSpan> received = new ArrayList<>();
    for (ResourceSpans resource : request.getResourceSpansList()) {
      String service = strings(resource.getResource().getAttributesList()).getOrDefault("service.name", "");
      for (ScopeSpans scope : resource.getScopeSpansList()) {
        for (Span span : scope.getSpansList()) {
          received.add(new ReceivedSpan(service, span.getName(),
              HexFormat.of().formatHex(span.getTraceId().toByteArray()),
              HexFormat.of().formatHex(span.getSpanId().toByteArray()), strings(span.getAttributesList())));
        }
      }
    }
    spans.addAll(received);
  }

  private static Map<String, String> strings(List<KeyValue> attributes) {
    Map<String, String> values = new LinkedHashMap<>();
    for (KeyValue attribute : attributes) {
      AnyValue value = attribute.getValue();
      values.put(attribute.getKey(), value.hasStringValue() ? value.getStringValue() : value.toString().strip());
    }
    return values;
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
