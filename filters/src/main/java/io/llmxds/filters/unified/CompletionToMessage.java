package io.llmxds.filters.unified;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * An OpenAI {@code chat.completion} answer said as an Anthropic {@code message}: its only choice's text as a text
 * block, its {@code tool_calls} as {@code tool_use} blocks, a {@code refusal} as text (with stop reason
 * {@code refusal}), the finish reason mapped ({@link StopReasons}), the usage counted as Anthropic counts it (input
 * without the cached tokens, which are {@code cache_read_input_tokens}). The id is the provider's, prefixed.
 */
final class CompletionToMessage {
  static final String ID_PREFIX = "msg_";

  private CompletionToMessage() {}

  static ObjectNode translate(ObjectNode answer) throws Untranslatable {
    JsonField root = JsonField.root(answer);
    ObjectNode out = header(root.get("id").text(), root.get("model").text());
    List<JsonField> choices = root.get("choices").items();
    if (choices.size() != 1) {
      throw root.get("choices").untranslatable("an Anthropic message is one answer; the provider sent "
          + choices.size());
    }
    JsonField message = choices.get(0).get("message");
    ArrayNode content = out.putArray("content");
    String stopReason = StopReasons.toAnthropic(choices.get(0).get("finish_reason"));
    for (String field : new String[] {"content", "refusal"}) {
      String text = message.get(field).optionalText().orElse("");
      if (!text.isEmpty()) {
        content.addObject().put("type", "text").put("text", text);
        stopReason = field.equals("refusal") ? "refusal" : stopReason;
      }
    }
    if (message.get("tool_calls").present()) {
      for (JsonField call : message.get("tool_calls").items()) {
        content.addObject().put("type", "tool_use").put("id", call.get("id").text())
            .put("name", call.get("function").get("name").text())
            .set("input", ToolArguments.parse(call.get("function").get("arguments")));
      }
    }
    out.put("stop_reason", stopReason).putNull("stop_sequence");
    JsonField usage = root.get("usage");
    out.set("usage", usage(usage.get("prompt_tokens").count(), usage.get("completion_tokens").count(),
        usage.get("prompt_tokens_details").get("cached_tokens").countOrZero()));
    return out;
  }

  static ObjectNode header(String id, String model) {
    return JsonField.JSON.createObjectNode().put("id", ID_PREFIX + id).put("type", "message")
        .put("role", "assistant").put("model", model);
  }

  static ObjectNode usage(long prompt, long completion, long cached) {
    return JsonField.JSON.createObjectNode().put("input_tokens", Math.max(0, prompt - cached))
        .put("cache_creation_input_tokens", 0).put("cache_read_input_tokens", cached)
        .put("output_tokens", completion);
  }
}
