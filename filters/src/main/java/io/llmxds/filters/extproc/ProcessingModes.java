package io.llmxds.filters.extproc;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.HeaderSendMode;

/**
 * The {@code mode_override}s the service answers a headers message with. Envoy replaces both body modes with the
 * override's and the header/trailer modes where the override is not DEFAULT (docs/envoy-semantics.md X13).
 */
final class ProcessingModes {
  /** After the request headers, Envoy need send nothing more of the request or its answer. */
  static final ProcessingMode NOTHING_MORE = ProcessingMode.newBuilder()
      .setRequestBodyMode(BodySendMode.NONE)
      .setRequestTrailerMode(HeaderSendMode.SKIP)
      .setResponseHeaderMode(HeaderSendMode.SKIP)
      .setResponseBodyMode(BodySendMode.NONE)
      .setResponseTrailerMode(HeaderSendMode.SKIP)
      .build();
  /**
   * A try's upstream phase: nothing more of the request, and only the headers of its answer, where it names the
   * try that answered ({@link TryIdentity}).
   */
  static final ProcessingMode ANSWER_HEADERS_ONLY = NOTHING_MORE.toBuilder()
      .setResponseHeaderMode(HeaderSendMode.SEND)
      .build();
  /** The request body whole, and the headers of the answer. */
  static final ProcessingMode REQUEST_BODY_AND_ANSWER_HEADERS = ANSWER_HEADERS_ONLY.toBuilder()
      .setRequestBodyMode(BodySendMode.BUFFERED)
      .build();
  /** At the response headers: the answer chunk by chunk, each forwarded once answered. */
  static final ProcessingMode STREAMED_RESPONSE = ProcessingMode.newBuilder()
      .setResponseBodyMode(BodySendMode.STREAMED)
      .setResponseTrailerMode(HeaderSendMode.SKIP)
      .build();
  /** At the response headers: the answer whole. */
  static final ProcessingMode BUFFERED_RESPONSE = STREAMED_RESPONSE.toBuilder()
      .setResponseBodyMode(BodySendMode.BUFFERED)
      .build();

  private ProcessingModes() {}
}
