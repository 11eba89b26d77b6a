package io.llmxds.filters.extproc;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.HeadersResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ImmediateResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest.RequestCase;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.TrailersResponse;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;
import io.llmxds.filters.auth.OpenAiErrors;

/**
 * ProcessingResponses of the kind Envoy expects: each message is answered by a response of its own kind (a request
 * body by a {@code request_body} BodyResponse, …), or Envoy fails the request.
 */
final class Responses {
  static final String CONTEXT_UNAVAILABLE_BODY =
      "{\"error\":{\"message\":\"conversation context unavailable\",\"type\":\"context_unavailable\"}}";

  private Responses() {}

  /** Lets the message through unchanged. */
  static ProcessingResponse passThrough(RequestCase kind) {
    return of(kind, CommonResponse.getDefaultInstance()).build();
  }

  /** A response of {@code kind} applying {@code common} (ignored for trailers, which take no CommonResponse). */
  static ProcessingResponse.Builder of(RequestCase kind, CommonResponse common) {
    ProcessingResponse.Builder response = ProcessingResponse.newBuilder();
    switch (kind) {
      case REQUEST_HEADERS:
        return response.setRequestHeaders(HeadersResponse.newBuilder().setResponse(common));
      case RESPONSE_HEADERS:
        return response.setResponseHeaders(HeadersResponse.newBuilder().setResponse(common));
      case REQUEST_BODY:
        return response.setRequestBody(BodyResponse.newBuilder().setResponse(common));
      case RESPONSE_BODY:
        return response.setResponseBody(BodyResponse.newBuilder().setResponse(common));
      case REQUEST_TRAILERS:
        return response.setRequestTrailers(TrailersResponse.getDefaultInstance());
      case RESPONSE_TRAILERS:
        return response.setResponseTrailers(TrailersResponse.getDefaultInstance());
      default:
        throw new IllegalArgumentException("ProcessingRequest without a request: " + kind);
    }
  }

  /** Replaces the body with {@code json} and sets {@code content-length} to its new length. */
  static void replaceBody(CommonResponse.Builder common, JsonNode json) {
    ByteString body = JsonBody.serialize(json);
    common.setBodyMutation(BodyMutation.newBuilder().setBody(body));
    common.getHeaderMutationBuilder().addSetHeaders(Headers.set("content-length", Integer.toString(body.size())));
  }

  /** A body larger than the service reads: a JSON 413, instead of an unrouted request. */
  static ProcessingResponse bodyTooLarge(ErrorShape shape, long size, long limit) {
    return immediate(StatusCode.PayloadTooLarge, "request_too_large", shape.tooLarge(
        "request body of " + size + " bytes exceeds the gateway's limit of " + limit + " bytes"));
  }

  /** A body the API does not take (not JSON, a field of the wrong type): a JSON 400 naming the field. */
  static ProcessingResponse invalidRequest(ErrorShape shape, String param, String message) {
    return immediate(StatusCode.BadRequest, "invalid_request_body", shape.invalidRequest(param, message));
  }

  /** The failure-mode {@code closed} answer when the store cannot be read: a JSON 503. */
  static ProcessingResponse contextUnavailable(ErrorShape shape) {
    return immediate(StatusCode.ServiceUnavailable, "context_unavailable", shape.contextUnavailable());
  }

  /**
   * 401 on a gateway with consumers when the request names none of this config's: it did not come through the
   * gateway's key check, or its consumer is gone since (docs/context-protocol.md "Authentication").
   */
  static ProcessingResponse unauthenticated(ErrorShape shape) {
    return immediate(StatusCode.Unauthorized, "consumer_unknown", shape.unauthenticated(),
        Headers.set("www-authenticate", "Bearer"));
  }

  /** 403: the consumer may not call the ModelRoute that serves {@code model}. */
  static ProcessingResponse modelNotAllowed(ErrorShape shape, String model) {
    return immediate(StatusCode.Forbidden, "model_not_allowed", shape.modelNotAllowed(model));
  }

  /** Ends the request with a JSON answer of the service's own; {@code details} is Envoy's response-code detail. */
  private static ProcessingResponse immediate(StatusCode status, String details, String json,
      HeaderValueOption... headers) {
    return ProcessingResponse.newBuilder()
        .setImmediateResponse(ImmediateResponse.newBuilder()
            .setStatus(HttpStatus.newBuilder().setCode(status))
            .setHeaders(HeaderMutation.newBuilder()
                .addSetHeaders(Headers.set("content-type", OpenAiErrors.CONTENT_TYPE))
                .addAllSetHeaders(java.util.List.of(headers)))
            .setBody(ByteString.copyFromUtf8(json))
            .setDetails(details))
        .build();
  }
}
