package io.llmxds.filters.extproc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A streamed ({@code text/event-stream}) answer of any LLM API, reassembled from body chunks that may end anywhere
 * (inside a line, inside a UTF-8 character): lines are cut at LF bytes, which never occur inside a multi-byte
 * character, and only whole lines are decoded. Events are dispatched at blank lines (multi-line {@code data} joined
 * by LF, as the SSE format says) to the API's {@link StreamedAnswer}, which says when the answer is complete. Any event
 * that is not a JSON object, an error event, or more than {@code maxBytes} of stream makes the answer malformed: it
 * passes through but is not stored.
 */
final class SseAnswer {
  private final long maxBytes;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private final StringBuilder data = new StringBuilder();
  private final StreamedAnswer events;
  private boolean hasData;
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
    byte[] bytes = chunk.toByteArray();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        line.write(bytes, start, i - start);
        onLine();
        start = i + 1;
      }
    }
    line.write(bytes, start, bytes.length - start);
  }

  /** The stream ended: a last line without LF and a last event without a blank line still count. */
  void end() {
    if (line.size() > 0) {
      onLine();
    }
    dispatch();
  }

  Optional<TokenUsage> usage() {
    return events.usage();
  }

  /** The answer; its text only when the stream was complete and well-formed. */
  LlmAnswer answer() {
    return events.answer(!malformed);
  }

  private boolean over() {
    return malformed || events.failed() || events.done();
  }

  private void onLine() {
    byte[] bytes = line.toByteArray();
    line.reset();
    if (over()) {
      return;
    }
    String text;
    try {
      text = JsonBody.strictUtf8(ByteBuffer.wrap(bytes));
    } catch (CharacterCodingException e) {
      malformed = true;
      return;
    }
    if (text.endsWith("\r")) {
      text = text.substring(0, text.length() - 1);
    }
    if (text.isEmpty()) {
      dispatch();
    } else if (text.startsWith("data:")) {
      String value = text.substring(5);
      data.append(hasData ? "\n" : "").append(value.startsWith(" ") ? value.substring(1) : value);
      hasData = true;
    }
    // Comments (":…") and the event/id/retry fields carry nothing the answer needs.
  }

  private void dispatch() {
    if (!hasData || over()) {
      return;
    }
    String event = data.toString();
    data.setLength(0);
    hasData = false;
    if (event.equals("[DONE]")) {
      events.onDoneMarker();
      return;
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
