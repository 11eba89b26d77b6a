package io.llmxds.filters.unified;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;

/**
 * An Anthropic Messages stream said as OpenAI {@code chat.completion.chunk}s (docs/llm-apis.md "streaming"):
 * {@code message_start} is the chunk with {@code delta.role}; text deltas are {@code delta.content}; a
 * {@code tool_use} block is a {@code delta.tool_calls} entry (id, name, then argument fragments, numbered in order);
 * {@code message_delta} is the chunk with {@code finish_reason}; {@code message_stop} is the usage chunk
 * ({@code choices: []}, always sent: token limits read it) and {@code [DONE]}. Pings and unknown event types are
 * skipped, as Anthropic asks of clients.
 */
final class MessageEventsToChunks extends ProviderStream {
  private final long created;
  private final Map<Long, Integer> toolCalls = new HashMap<>();
  private String id;
  private String model;
  private long inputTokens;
  private long cacheCreation;
  private long cacheRead;
  private long outputTokens;

  MessageEventsToChunks(long created) {
    this.created = created;
  }

  @Override
  void onEvent(JsonField event) throws Untranslatable {
    String type = event.get("type").text();
    if (type.equals("error")) {
      JsonField error = event.get("error");
      fail(error.get("type").optionalText().orElse("api_error"),
          ProviderErrors.cap(error.get("message").optionalText().orElse("the provider's stream failed")));
      return;
    }
    if (!type.equals("message_start") && !type.equals("ping") && id == null) {
      throw event.get("type").untranslatable("the stream must begin with message_start");
    }
    switch (type) {
      case "message_start" -> start(event.get("message"));
      case "content_block_start" -> blockStart(event.get("index").count(), event.get("content_block"));
      case "content_block_delta" -> blockDelta(event.get("index").count(), event.get("delta"));
      case "message_delta" -> {
        JsonField usage = event.get("usage");
        outputTokens = usage.get("output_tokens").present() ? usage.get("output_tokens").count() : outputTokens;
        // Newer API versions repeat the input counts here; message_start's stand otherwise.
        inputTokens = usage.get("input_tokens").present() ? usage.get("input_tokens").count() : inputTokens;
        cacheCreation = usage.get("cache_creation_input_tokens").present()
            ? usage.get("cache_creation_input_tokens").count() : cacheCreation;
        cacheRead = usage.get("cache_read_input_tokens").present()
            ? usage.get("cache_read_input_tokens").count() : cacheRead;
        JsonField stopReason = event.get("delta").get("stop_reason");
        if (stopReason.present()) {
          ObjectNode chunk = chunk(JsonField.JSON.createObjectNode());
          ((ObjectNode) chunk.get("choices").get(0)).put("finish_reason", StopReasons.toOpenAi(stopReason));
          out.data(chunk);
        }
      }
      case "message_stop" -> {
        ObjectNode usage = MessageToCompletion.header(id, created, model, "chat.completion.chunk");
        usage.putArray("choices");
        ObjectNode counts = JsonField.JSON.createObjectNode().put("input_tokens", inputTokens)
            .put("cache_creation_input_tokens", cacheCreation).put("cache_read_input_tokens", cacheRead)
            .put("output_tokens", outputTokens);
        usage.set("usage", MessageToCompletion.usage(JsonField.root(counts)));
        out.data(usage);
        out.done();
        complete();
      }
      default -> { }
    }
  }

  private void start(JsonField message) throws Untranslatable {
    id = message.get("id").text();
    model = message.get("model").text();
    JsonField startUsage = message.get("usage");
    inputTokens = startUsage.get("input_tokens").countOrZero();
    cacheCreation = startUsage.get("cache_creation_input_tokens").countOrZero();
    cacheRead = startUsage.get("cache_read_input_tokens").countOrZero();
    outputTokens = startUsage.get("output_tokens").countOrZero();
    out.data(chunk(JsonField.JSON.createObjectNode().put("role", "assistant").put("content", "")));
  }

  private void blockStart(long index, JsonField block) throws Untranslatable {
    String type = block.get("type").text();
    switch (type) {
      case "text" -> text(block.get("text").optionalText().orElse(""));
      case "tool_use" -> {
        int call = toolCalls.size();
        toolCalls.put(index, call);
        ObjectNode entry = JsonField.JSON.createObjectNode().put("index", call).put("id", block.get("id").text())
            .put("type", "function");
        entry.putObject("function").put("name", block.get("name").text()).put("arguments", "");
        toolCall(entry);
      }
      // Not asked for (the request would have been refused); their deltas are skipped too.
      case "thinking", "redacted_thinking" -> { }
      default -> throw block.get("type").untranslatable("the block '" + type + "' has no equivalent in OpenAI's "
          + "chat completions");
    }
  }

  private void blockDelta(long index, JsonField delta) throws Untranslatable {
    String type = delta.get("type").text();
    switch (type) {
      case "text_delta" -> text(delta.get("text").text());
      case "input_json_delta" -> {
        Integer call = toolCalls.get(index);
        if (call == null) {
          throw delta.untranslatable("arguments for block " + index + ", which is not a tool_use block");
        }
        String fragment = delta.get("partial_json").text();
        if (!fragment.isEmpty()) {
          ObjectNode entry = JsonField.JSON.createObjectNode().put("index", call);
          entry.putObject("function").put("arguments", fragment);
          toolCall(entry);
        }
      }
      case "thinking_delta", "signature_delta", "citations_delta" -> { }
      default -> throw delta.get("type").untranslatable("the delta '" + type + "' has no equivalent in OpenAI's "
          + "chat completions");
    }
  }

  private void text(String text) {
    if (!text.isEmpty()) {
      out.data(chunk(JsonField.JSON.createObjectNode().put("content", text)));
    }
  }

  private void toolCall(ObjectNode entry) {
    ObjectNode delta = JsonField.JSON.createObjectNode();
    delta.putArray("tool_calls").add(entry);
    out.data(chunk(delta));
  }

  private ObjectNode chunk(ObjectNode delta) {
    ObjectNode chunk = MessageToCompletion.header(id, created, model, "chat.completion.chunk");
    ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
    choice.set("delta", delta);
    choice.putNull("logprobs");
    choice.putNull("finish_reason");
    return chunk;
  }

  @Override
  void onDone() {
    // Not Anthropic's; nothing to do.
  }

  @Override
  void onEnd() {
    fail("api_error", "the provider's stream ended before message_stop");
  }

  @Override
  void errorEvent(String type, String message) {
    out.data(ApiErrors.openAi(message, ProviderErrors.openAiType(type), null, type));
  }
}
