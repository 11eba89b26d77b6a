package io.llmxds.filters.unified;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An Anthropic {@code message} answer said as an OpenAI {@code chat.completion}: the text blocks joined into
 * {@code content}, the {@code tool_use} blocks as {@code tool_calls}, the stop reason mapped ({@link StopReasons}),
 * the usage counted as OpenAI counts it (the prompt includes the cached tokens Anthropic reports apart). The id is
 * the provider's, prefixed, so that logs correlate.
 */
final class MessageToCompletion {
  static final String ID_PREFIX = "chatcmpl-";

  private MessageToCompletion() {}

  static ObjectNode translate(ObjectNode answer, long created) throws Untranslatable {
    JsonField root = JsonField.root(answer);
    ObjectNode completion = header(root.get("id").text(), created, root.get("model").text(), "chat.completion");
    ObjectNode choice = completion.putArray("choices").addObject().put("index", 0);
    ObjectNode message = choice.putObject("message").put("role", "assistant");
    StringBuilder text = new StringBuilder();
    ArrayNode calls = JsonField.JSON.createArrayNode();
    for (JsonField block : root.get("content").items()) {
      String type = block.get("type").text();
      switch (type) {
        case "text" -> text.append(block.get("text").text());
        case "tool_use" -> {
          ObjectNode call = calls.addObject().put("id", block.get("id").text()).put("type", "function");
          call.putObject("function").put("name", block.get("name").text())
              .put("arguments", ToolArguments.serialize(block.get("input").object()));
        }
        // The request asked for no thinking (it would have been refused); a provider that thinks anyway keeps it.
        case "thinking", "redacted_thinking" -> { }
        default -> throw block.get("type").untranslatable("the block '" + type + "' has no equivalent in OpenAI's "
            + "chat completions");
      }
    }
    if (text.length() > 0 || calls.isEmpty()) {
      message.put("content", text.toString());
    } else {
      message.putNull("content");
    }
    message.putNull("refusal");
    if (!calls.isEmpty()) {
      message.set("tool_calls", calls);
    }
    choice.putNull("logprobs");
    choice.put("finish_reason", StopReasons.toOpenAi(root.get("stop_reason")));
    completion.set("usage", usage(root.get("usage")));
    return completion;
  }

  static ObjectNode header(String id, long created, String model, String object) {
    return JsonField.JSON.createObjectNode().put("id", ID_PREFIX + id).put("object", object)
        .put("created", created).put("model", model);
  }

  /** Anthropic's counts (input without the cache's, output) as OpenAI's, cached tokens inside the prompt. */
  static ObjectNode usage(JsonField usage) throws Untranslatable {
    long cached = usage.get("cache_read_input_tokens").countOrZero();
    long prompt = usage.get("input_tokens").count() + usage.get("cache_creation_input_tokens").countOrZero() + cached;
    long completion = usage.get("output_tokens").count();
    ObjectNode out = JsonField.JSON.createObjectNode().put("prompt_tokens", prompt)
        .put("completion_tokens", completion).put("total_tokens", prompt + completion);
    out.putObject("prompt_tokens_details").put("cached_tokens", cached);
    return out;
  }
}
