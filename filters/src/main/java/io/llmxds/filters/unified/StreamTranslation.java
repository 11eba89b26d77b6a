package io.llmxds.filters.unified;

import com.google.protobuf.ByteString;

/** The translator of ONE streamed answer ({@code text/event-stream}), holding that answer's state. Not thread-safe. */
public interface StreamTranslation {
  /**
   * Provider SSE bytes (chunks cut anywhere, even inside a UTF-8 character or a line) to the client SSE bytes to send
   * now (maybe empty). At {@code endOfStream} everything pending is flushed: an OpenAI client's stream ends with
   * {@code data: [DONE]}, an Anthropic client's with {@code message_stop}; a provider stream that failed or ended
   * early ends with one error event in the client's shape instead. Never throws.
   */
  ByteString feed(ByteString chunk, boolean endOfStream);
}
