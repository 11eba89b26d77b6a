package io.llmxds.filters.extproc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/** How one family of LLM APIs words its answers (docs/llm-apis.md): a whole JSON answer, and a streamed one. */
enum AnswerFormat {
  /** OpenAI chat completions: {@code choices[0].message.content}, {@code usage.prompt_tokens/completion_tokens}. */
  CHAT_COMPLETION {
    @Override
    LlmAnswer ofJson(ObjectNode response) {
      JsonNode content = response.path("choices").path(0).path("message").path("content");
      return new LlmAnswer(ChatMessages.text(content), TokenUsage.read(response.get("usage")), model(response),
          FinishReasons.ofChoices(response));
    }
  },
  /** Completions, embeddings, moderations: only the usage counts, chat's field names; streams like chat. */
  PROMPT_COMPLETION_USAGE {
    @Override
    LlmAnswer ofJson(ObjectNode response) {
      return new LlmAnswer(Optional.empty(), TokenUsage.read(response.get("usage")), model(response),
          FinishReasons.ofChoices(response));
    }
  },
  /** The Responses API and image generation: {@code usage.input_tokens/output_tokens}; Responses' events. */
  INPUT_OUTPUT_USAGE {
    @Override
    LlmAnswer ofJson(ObjectNode response) {
      return new LlmAnswer(Optional.empty(), TokenUsage.readInputOutput(response.get("usage")), model(response),
          List.of());
    }

    @Override
    StreamedAnswer stream() {
      return new ResponsesStream();
    }
  },
  /** Anthropic Messages: the {@code text} blocks of {@code content}, {@code usage.input_tokens/output_tokens}. */
  ANTHROPIC_MESSAGE {
    @Override
    LlmAnswer ofJson(ObjectNode response) {
      return new LlmAnswer(Optional.ofNullable(response.get("content")).flatMap(ChatMessages::text),
          TokenUsage.readInputOutput(response.get("usage")), model(response),
          JsonBody.text(response, "stop_reason").map(List::of).orElse(List.of()));
    }

    @Override
    StreamedAnswer stream() {
      return new AnthropicStream();
    }
  };

  abstract LlmAnswer ofJson(ObjectNode response);

  /** A reader for one streamed answer's events. */
  StreamedAnswer stream() {
    return new ChatStream();
  }

  private static Optional<String> model(JsonNode response) {
    return JsonBody.text(response, "model");
  }
}
