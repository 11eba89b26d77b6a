package io.llmxds.filters.extproc;

import io.llmxds.filters.unified.WireApi;
import java.util.Arrays;
import java.util.Optional;

/**
 * The APIs a Provider may speak ({@code Provider.spec.api}), as the control plane labels its endpoints and lists a
 * route's providers: which body format the unified API translates to for it, which header carries its key, and which
 * of the client's endpoints it offers at all (docs/llm-apis.md "Translation").
 */
enum ProviderApi {
  OPENAI("openai", WireApi.OPENAI_CHAT, "authorization"),
  ANTHROPIC("anthropic", WireApi.ANTHROPIC_MESSAGES, "x-api-key");

  /** Anthropic refuses a request without it; the version whose format the codec speaks. */
  static final String ANTHROPIC_VERSION_HEADER = "anthropic-version";
  static final String ANTHROPIC_VERSION = "2023-06-01";

  final String wire;
  /** The chat format of this API: what a chat request of the other API is translated into. */
  final WireApi chat;
  /** The header this API reads its key from: the other API's never reaches a provider of this one. */
  final String keyHeader;

  ProviderApi(String wire, WireApi chat, String keyHeader) {
    this.wire = wire;
    this.chat = chat;
    this.keyHeader = keyHeader;
  }

  static Optional<ProviderApi> of(String wire) {
    return Arrays.stream(values()).filter(api -> api.wire.equals(wire)).findFirst();
  }

  /** The other API's key header, which must not go to this API's provider (an earlier try's, or the client's). */
  String foreignKeyHeader() {
    return this == OPENAI ? ANTHROPIC.keyHeader : OPENAI.keyHeader;
  }

  /**
   * Whether a provider of this API can be given a request to {@code client}: as it is (its own API), or translated
   * (a chat request of the other API). Anthropic offers nothing but its Messages API.
   */
  boolean offers(LlmApi client) {
    return this == OPENAI || client.chatFormat().isPresent();
  }
}
