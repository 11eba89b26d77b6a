package io.llmxds.filters.unified;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAI {@code chat.completion.chunk}s said as an Anthropic Messages stream (docs/llm-apis.md "streaming"): the
 * first chunk opens {@code message_start} (input tokens 0: OpenAI reports usage only at the end); content deltas
 * become a text block, each {@code delta.tool_calls} entry a {@code tool_use} block with {@code input_json_delta}s;
 * at {@code [DONE]} (or the end of a stream that had its finish reason) the open block is closed and
 * {@code message_delta} carries the stop reason and the usage (input tokens included), then {@code message_stop}.
 */
final class ChunksToMessageEvents extends ProviderStream {
  private final Map<Long, Integer> toolBlocks = new HashMap<>();
  private boolean started;
  private int blocks;
  /** The index of the open block, -1 when none; {@code openTool} the OpenAI tool-call index it is, -1 for text. */
  private int openBlock = -1;
  private long openTool = -1;
  private String stopReason;
  /** A refusal was streamed: the stop reason is Anthropic's {@code refusal}, whatever OpenAI's finish reason says. */
  private boolean refused;
  private long promptTokens;
  private long completionTokens;
  private long cachedTokens;

  @Override
  void onEvent(JsonField chunk) throws Untranslatable {
    if (chunk.get("error").present()) {
      JsonField error = chunk.get("error");
      fail("api_error", ProviderErrors.cap(error.isText() ? error.text()
          : error.get("message").optionalText().orElse("the provider's stream failed")));
      return;
    }
    if (!started) {
      ObjectNode message = CompletionToMessage.header(chunk.get("id").text(), chunk.get("model").text());
      message.putArray("content");
      message.putNull("stop_reason").putNull("stop_sequence");
      message.set("usage", CompletionToMessage.usage(0, 0, 0));
      out.event(JsonField.JSON.createObjectNode().put("type", "message_start").set("message", message));
      started = true;
    }
    List<JsonField> choices = chunk.get("choices").present() ? chunk.get("choices").items() : List.of();
    for (JsonField choice : choices) {
      if (choice.get("index").countOrZero() != 0) {
        throw choice.get("index").untranslatable("an Anthropic message is one answer");
      }
      delta(choice.get("delta"));
      if (choice.get("finish_reason").present()) {
        String finish = StopReasons.toAnthropic(choice.get("finish_reason"));
        stopReason = refused ? "refusal" : finish;
        close();
      }
    }
    JsonField usage = chunk.get("usage");
    if (usage.present()) {
      promptTokens = usage.get("prompt_tokens").count();
      completionTokens = usage.get("completion_tokens").count();
      cachedTokens = usage.get("prompt_tokens_details").get("cached_tokens").countOrZero();
    }
  }

  private void delta(JsonField delta) throws Untranslatable {
    if (!delta.present()) {
      return;
    }
    for (String field : new String[] {"content", "refusal"}) {
      String text = delta.get(field).optionalText().orElse("");
      if (!text.isEmpty()) {
        if (openBlock < 0 || openTool >= 0) {
          open(-1, JsonField.JSON.createObjectNode().put("type", "text").put("text", ""));
        }
        ObjectNode event = event("content_block_delta");
        event.putObject("delta").put("type", "text_delta").put("text", text);
        out.event(event);
      }
    }
    refused |= delta.get("refusal").optionalText().filter(r -> !r.isEmpty()).isPresent();
    if (!delta.get("tool_calls").present()) {
      return;
    }
    for (JsonField call : delta.get("tool_calls").items()) {
      long index = call.get("index").count();
      if (!toolBlocks.containsKey(index)) {
        ObjectNode block = JsonField.JSON.createObjectNode().put("type", "tool_use").put("id", call.get("id").text())
            .put("name", call.get("function").get("name").text());
        block.putObject("input");
        open(index, block);
        toolBlocks.put(index, openBlock);
      } else if (toolBlocks.get(index) != openBlock) {
        throw call.get("index").untranslatable("arguments of an earlier tool call after a later one began");
      }
      String fragment = call.get("function").get("arguments").optionalText().orElse("");
      if (!fragment.isEmpty()) {
        ObjectNode event = event("content_block_delta");
        event.putObject("delta").put("type", "input_json_delta").put("partial_json", fragment);
        out.event(event);
      }
    }
  }

  private void open(long tool, ObjectNode block) {
    close();
    openBlock = blocks++;
    openTool = tool;
    out.event(event("content_block_start").set("content_block", block));
  }

  private void close() {
    if (openBlock >= 0) {
      out.event(event("content_block_stop"));
      openBlock = -1;
    }
  }

  private ObjectNode event(String type) {
    return JsonField.JSON.createObjectNode().put("type", type).put("index", openBlock);
  }

  @Override
  void onDone() {
    if (stopReason == null) {
      fail("api_error", "the provider's stream ended without a finish reason");
      return;
    }
    close();
    ObjectNode delta = JsonField.JSON.createObjectNode().put("type", "message_delta");
    delta.putObject("delta").put("stop_reason", stopReason).putNull("stop_sequence");
    // OpenAI reports the prompt only now; Anthropic's message_delta may carry it (cumulative counts).
    ObjectNode usage = CompletionToMessage.usage(promptTokens, completionTokens, cachedTokens);
    usage.remove("cache_creation_input_tokens");
    delta.set("usage", usage);
    out.event(delta);
    out.event(JsonField.JSON.createObjectNode().put("type", "message_stop"));
    complete();
  }

  /** Some OpenAI-compatible servers end without {@code [DONE]}: a stream that had its finish reason is complete. */
  @Override
  void onEnd() {
    onDone();
  }

  @Override
  void errorEvent(String type, String message) {
    out.event(ApiErrors.anthropic(type, message));
  }
}
