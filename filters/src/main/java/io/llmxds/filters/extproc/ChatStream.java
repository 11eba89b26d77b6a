package io.llmxds.filters.extproc;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Chat completions (and completions) streamed: each chunk's {@code choices[0].delta.content}, the usage chunk
 * ({@code stream_options.include_usage}), {@code [DONE]} at the end; a chunk with {@code error} fails the answer.
 */
final class ChatStream extends StreamedAnswer {
  @Override
  void onEvent(ObjectNode chunk) {
    if (chunk.has("error")) {
      fail();
      return;
    }
    model(chunk);
    text(chunk.path("choices").path(0).path("delta").path("content"));
    usage(TokenUsage.read(chunk.get("usage")));
    finishReasons(FinishReasons.ofChoices(chunk));
  }
}
