package io.llmxds.filters.unified;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.llmxds.filters.sse.SseEvents;
import java.util.List;

/**
 * A provider's stream read event by event ({@link SseEvents}), each JSON event handed to {@link #onEvent}, and what
 * it writes sent on. Anything wrong (an event that is not a JSON object, an error event, a field that cannot be
 * translated, an event over {@link #MAX_PENDING}, a stream that ends before its end) writes one error event in the
 * client's shape and ends the client's stream: what follows is not read.
 */
abstract class ProviderStream implements StreamTranslation {
  /** The largest event held while incomplete; LLM events are small, a stream without line ends is not one. */
  static final long MAX_PENDING = 1 << 20;
  protected final SseWriter out = new SseWriter();
  private final SseEvents sse = new SseEvents();
  private boolean over;

  @Override
  public final ByteString feed(ByteString chunk, boolean endOfStream) {
    if (!over) {
      read(sse.feed(chunk));
    }
    if (!over && endOfStream) {
      read(sse.end());
    }
    if (!over && sse.malformed()) {
      fail("api_error", "the provider's stream is not valid UTF-8");
    }
    if (!over && sse.pending() > MAX_PENDING) {
      fail("api_error", "the provider's stream sent an event larger than " + MAX_PENDING + " bytes");
    }
    if (!over && endOfStream) {
      try {
        onEnd();
      } catch (Untranslatable e) {
        fail(e);
      }
    }
    return out.take();
  }

  private void read(List<String> events) {
    for (String data : events) {
      if (over) {
        return;
      }
      try {
        if (data.equals("[DONE]")) {
          onDone();
          continue;
        }
        JsonNode event = JsonField.JSON.readTree(data);
        if (event == null || !event.isObject()) {
          fail("api_error", "the provider's stream sent an event that is not a JSON object");
        } else {
          onEvent(JsonField.root(event));
        }
      } catch (JsonProcessingException e) {
        fail("api_error", "the provider's stream sent an event that is not JSON");
      } catch (Untranslatable e) {
        fail(e);
      }
    }
  }

  /** One event whose data is a JSON object. */
  abstract void onEvent(JsonField event) throws Untranslatable;

  /** OpenAI's {@code [DONE]}. */
  abstract void onDone() throws Untranslatable;

  /** The provider's stream ended (and was not over): finish the client's or fail. */
  abstract void onEnd() throws Untranslatable;

  /** Writes the client's error event; {@code type} is one of Anthropic's error types. */
  abstract void errorEvent(String type, String message);

  /** The client's stream is complete. */
  protected final void complete() {
    over = true;
  }

  protected final void fail(String type, String message) {
    errorEvent(type, message);
    over = true;
  }

  private void fail(Untranslatable e) {
    fail("api_error", "the provider's stream cannot be translated: " + e.getMessage());
  }
}
