package io.llmxds.filters.unified;

import java.util.Arrays;
import java.util.Optional;

/**
 * The body formats the unified API translates between (docs/llm-apis.md "Translation"): OpenAI's chat completions
 * ({@code /v1/chat/completions}) and Anthropic's Messages ({@code /v1/messages}).
 */
public enum WireApi {
  OPENAI_CHAT("/chat/completions"),
  ANTHROPIC_MESSAGES("/messages");

  private final String path;

  WireApi(String path) {
    this.path = path;
  }

  /** The request path of this API, relative to a provider's {@code /v1} prefix. */
  public String path() {
    return path;
  }

  /** The API a request path calls ({@code /v1/chat/completions}, {@code /v1/messages}; the query is ignored). */
  public static Optional<WireApi> of(String requestPath) {
    String path = requestPath.split("\\?", 2)[0];
    return Arrays.stream(values()).filter(api -> path.equals("/v1" + api.path)).findFirst();
  }
}
