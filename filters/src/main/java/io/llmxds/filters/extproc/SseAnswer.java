package io.llmxds.filters.extproc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.llmxds.filters.sse.SseEvents;
import java.util.List;
import java.util.Optional;

/**
 * A streamed ({@code text/event-stream}) answer of any LLM API, reassembled from body chunks that may end anywhere
 * ({@link SseEvents}), each event handed to the API's {@link StreamedAnswer}, which says when the answer is complete.
 * Any event that is not a JSON object, a line that is not UTF-8, an error event, or more than {@code maxBytes} of
 * stream makes the answer malformed: it passes through but is not stored.
 */
final class SseAnswer {
  private final long maxBytes;
  private final SseEvents sse = new SseEvents();
  private final StreamedAnswer events;
  private long seen;
  private boolean malformed;

  SseAnswer(long maxBytes, StreamedAnswer events) {
    this.maxBytes = maxBytes;
    this.events = events;
  }

  void feed(ByteString chunk) {
    seen += chunk.size();
    if (seen > maxBytes) {
      malformed = true;
    }
    if (over()) {
      return;
    }
    dispatch(sse.feed(chunk));
  }

  /** The stream ended: a last line without LF and a last event without a blank line still count. */
  void end() {
    if (!over()) {
      dispatch(sse.end());
    }
  }

  Optional<TokenUsage> usage() {
    return events.usage();
  }

  /** The answer; its text only when the stream was complete and well-formed. */
  LlmAnswer answer() {
    return events.answer(!malformed && !sse.malformed());
  }

  private boolean over() {
    return malformed || sse.malformed() || events.failed() || events.done();
  }

  private void dispatch(List<String> data) {
    for (String event : data) {
      if (over()) {
        return;
      }
      if (event.equals("[DONE]")) {
        events.onDoneMarker();
        continue;
      }
      try {
        if (JsonBody.JSON.readTree(event) instanceof ObjectNode object) {
          events.onEvent(object);
        } else {
          malformed = true;
        }
      } catch (JsonProcessingException e) {
        malformed = true;
      }
    }
  }
}
