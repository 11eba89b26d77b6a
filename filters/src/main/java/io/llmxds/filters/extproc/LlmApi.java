package io.llmxds.filters.extproc;

import io.llmxds.filters.unified.WireApi;
import java.util.Arrays;
import java.util.Optional;

/**
 * The model-bearing LLM endpoints the service routes by their body's {@code model} (docs/llm-apis.md): each with how
 * its answers read, how its errors are worded, and whether it is a conversation that gets a session's history (its
 * {@code messages} array; Anthropic's top-level {@code system} stays where it is). Recognised by method and exact
 * path, the query ignored; multipart endpoints (image edits, audio) are not among them.
 */
enum LlmApi {
  CHAT_COMPLETIONS("/v1/chat/completions", true, ErrorShape.OPENAI, AnswerFormat.CHAT_COMPLETION, "chat"),
  COMPLETIONS("/v1/completions", false, ErrorShape.OPENAI, AnswerFormat.PROMPT_COMPLETION_USAGE, "text_completion"),
  EMBEDDINGS("/v1/embeddings", false, ErrorShape.OPENAI, AnswerFormat.PROMPT_COMPLETION_USAGE, "embeddings"),
  /** No well-known operation name fits: a custom one, as the semantic conventions allow. */
  MODERATIONS("/v1/moderations", false, ErrorShape.OPENAI, AnswerFormat.PROMPT_COMPLETION_USAGE, "moderations"),
  /** Its {@code input} gets no history: the API keeps its own state ({@code previous_response_id}). */
  RESPONSES("/v1/responses", false, ErrorShape.OPENAI, AnswerFormat.INPUT_OUTPUT_USAGE, "chat"),
  IMAGE_GENERATIONS("/v1/images/generations", false, ErrorShape.OPENAI, AnswerFormat.INPUT_OUTPUT_USAGE,
      "generate_content"),
  ANTHROPIC_MESSAGES("/v1/messages", true, ErrorShape.ANTHROPIC, AnswerFormat.ANTHROPIC_MESSAGE, "chat");

  final String path;
  /** A {@code messages} conversation: history is injected into it and its exchanges are stored. */
  final boolean conversation;
  final ErrorShape errors;
  final AnswerFormat answers;
  /** The GenAI semantic conventions' {@code gen_ai.operation.name} of a call to this API. */
  final String operation;

  LlmApi(String path, boolean conversation, ErrorShape errors, AnswerFormat answers, String operation) {
    this.path = path;
    this.conversation = conversation;
    this.errors = errors;
    this.answers = answers;
    this.operation = operation;
  }

  /** The API a request calls, when it is a {@code POST} to one of their paths. */
  static Optional<LlmApi> of(Headers headers) {
    if (headers.get(":method").filter("POST"::equals).isEmpty()) {
      return Optional.empty();
    }
    return ofPath(headers.get(":path").orElse(""));
  }

  /** The API a {@code POST} to {@code path} (query ignored) calls. */
  static Optional<LlmApi> ofPath(String path) {
    String bare = path.split("\\?", 2)[0];
    return Arrays.stream(values()).filter(api -> api.path.equals(bare)).findFirst();
  }

  /** The chat format the unified API translates this API's bodies from; empty for the APIs it does not translate. */
  Optional<WireApi> chatFormat() {
    return WireApi.of(path);
  }
}
