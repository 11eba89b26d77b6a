package io.llmxds.filters.unified;

/**
 * Why an answer ended, in each API's words (docs/llm-apis.md "stop reasons"). Anthropic's {@code stop_sequence}
 * and {@code end_turn} are both OpenAI's {@code stop}; OpenAI does not say which stop sequence matched, so the way
 * back is always {@code end_turn} with no {@code stop_sequence}.
 */
final class StopReasons {
  private StopReasons() {}

  /** Anthropic's {@code stop_reason} as an OpenAI {@code finish_reason}. */
  static String toOpenAi(JsonField stopReason) throws Untranslatable {
    String reason = stopReason.text();
    return switch (reason) {
      case "end_turn", "stop_sequence" -> "stop";
      case "max_tokens", "model_context_window_exceeded" -> "length";
      case "tool_use" -> "tool_calls";
      case "refusal" -> "content_filter";
      default -> throw stopReason.untranslatable("the stop reason '" + reason + "' has no OpenAI finish reason");
    };
  }

  /** OpenAI's {@code finish_reason} as an Anthropic {@code stop_reason}. */
  static String toAnthropic(JsonField finishReason) throws Untranslatable {
    String reason = finishReason.text();
    return switch (reason) {
      case "stop" -> "end_turn";
      case "length" -> "max_tokens";
      case "tool_calls", "function_call" -> "tool_use";
      case "content_filter" -> "refusal";
      default -> throw finishReason.untranslatable("the finish reason '" + reason + "' has no Anthropic stop reason");
    };
  }
}
