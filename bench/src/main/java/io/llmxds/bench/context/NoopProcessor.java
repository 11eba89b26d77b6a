package io.llmxds.bench.context;

import io.envoyproxy.envoy.service.ext_proc.v3.BodyResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HeadersResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.stub.StreamObserver;

/**
 * The floor: an ext_proc service that answers every message with an empty response of its kind, so that what it
 * costs is gRPC, protobuf and the loopback alone.
 */
final class NoopProcessor extends ExternalProcessorGrpc.ExternalProcessorImplBase {
  private static final ProcessingResponse REQUEST_HEADERS =
      ProcessingResponse.newBuilder().setRequestHeaders(HeadersResponse.getDefaultInstance()).build();
  private static final ProcessingResponse REQUEST_BODY =
      ProcessingResponse.newBuilder().setRequestBody(BodyResponse.getDefaultInstance()).build();
  private static final ProcessingResponse RESPONSE_HEADERS =
      ProcessingResponse.newBuilder().setResponseHeaders(HeadersResponse.getDefaultInstance()).build();
  private static final ProcessingResponse RESPONSE_BODY =
      ProcessingResponse.newBuilder().setResponseBody(BodyResponse.getDefaultInstance()).build();

  @Override
  public StreamObserver<ProcessingRequest> process(StreamObserver<ProcessingResponse> responses) {
    return new StreamObserver<>() {
      @Override
      public void onNext(ProcessingRequest request) {
        switch (request.getRequestCase()) {
          case REQUEST_HEADERS -> responses.onNext(REQUEST_HEADERS);
          case REQUEST_BODY -> responses.onNext(REQUEST_BODY);
          case RESPONSE_HEADERS -> responses.onNext(RESPONSE_HEADERS);
          case RESPONSE_BODY -> responses.onNext(RESPONSE_BODY);
          default -> { } // trailers are not sent by the generator
        }
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        responses.onCompleted();
      }
    };
  }
}
