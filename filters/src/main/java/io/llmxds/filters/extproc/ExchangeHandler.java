package io.llmxds.filters.extproc;

import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest.RequestCase;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;

/**
 * What one HTTP request's ext_proc stream does with each message Envoy sends; every method answers its message
 * with a response of the same kind. Unless a handler says otherwise, a message passes unchanged.
 */
interface ExchangeHandler {

  /** The request attributes Envoy evaluated for this stream (ext_proc's {@code request_attributes}), if any. */
  default void attributes(java.util.Map<String, com.google.protobuf.Struct> attributes) {}

  ProcessingResponse requestHeaders(Headers headers);

  default ProcessingResponse requestBody(HttpBody body) {
    return Responses.passThrough(RequestCase.REQUEST_BODY);
  }

  default ProcessingResponse responseHeaders(Headers headers) {
    return Responses.passThrough(RequestCase.RESPONSE_HEADERS);
  }

  default ProcessingResponse responseBody(HttpBody body) {
    return Responses.passThrough(RequestCase.RESPONSE_BODY);
  }

  default ProcessingResponse responseTrailers() {
    return Responses.passThrough(RequestCase.RESPONSE_TRAILERS);
  }

  /** The stream ended, whichever way (Envoy half-closes or cancels it, X5). */
  default void closed() {}
}
