package io.llmxds.filters.sse;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The events of a {@code text/event-stream} body, reassembled from chunks that may end anywhere (inside a line, inside
 * a UTF-8 character): lines are cut at LF bytes, which never occur inside a multi-byte character, and only whole lines
 * are decoded, strictly. An event is dispatched at a blank line with its {@code data} lines joined by LF, as the SSE
 * format says; comments and the {@code event}/{@code id}/{@code retry} fields are skipped (both LLM APIs repeat the
 * event's type in its JSON). A line that is not UTF-8 makes the stream {@link #malformed()}: nothing more is read.
 */
public final class SseEvents {
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private boolean malformed;

  /** The data of each event the chunk completed, in order. */
  public List<String> feed(ByteString chunk) {
    List<String> events = new ArrayList<>();
    byte[] bytes = chunk.toByteArray();
    int start = 0;
    for (int i = 0; i < bytes.length && !malformed; i++) {
      if (bytes[i] == '\n') {
        line.write(bytes, start, i - start);
        onLine(events);
        start = i + 1;
      }
    }
    if (!malformed) {
      line.write(bytes, start, bytes.length - start);
    }
    return events;
  }

  /** The stream ended: a last line without LF and a last event without a blank line still count. */
  public List<String> end() {
    List<String> events = new ArrayList<>();
    if (line.size() > 0 && !malformed) {
      onLine(events);
    }
    dispatch(events);
    return events;
  }

  /** Bytes and characters held for an event not yet complete (a reader bounds it: a stream may never send LF). */
  public long pending() {
    return line.size() + (long) data.length();
  }

  /** A line was not valid UTF-8. */
  public boolean malformed() {
    return malformed;
  }

  /** Decodes UTF-8, refusing malformed input instead of replacing it. */
  public static String strictUtf8(ByteBuffer bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(bytes)
        .toString();
  }

  private void onLine(List<String> events) {
    byte[] bytes = line.toByteArray();
    line.reset();
    String text;
    try {
      text = strictUtf8(ByteBuffer.wrap(bytes));
    } catch (CharacterCodingException e) {
      malformed = true;
      return;
    }
    if (text.endsWith("\r")) {
      text = text.substring(0, text.length() - 1);
    }
    if (text.isEmpty()) {
      dispatch(events);
    } else if (text.startsWith("data:")) {
      String value = text.substring(5);
      data.append(hasData ? "\n" : "").append(value.startsWith(" ") ? value.substring(1) : value);
      hasData = true;
    }
  }

  private void dispatch(List<String> events) {
    if (!hasData || malformed) {
      return;
    }
    events.add(data.toString());
    data.setLength(0);
    hasData = false;
  }
}
