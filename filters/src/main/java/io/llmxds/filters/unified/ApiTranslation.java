package io.llmxds.filters.unified;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import java.time.Clock;
import java.util.Optional;

/**
 * One direction of the unified API (docs/llm-apis.md "Translation"): a client speaking {@link #client()} served by
 * a provider speaking {@link #provider()}. Pure: JSON or bytes in, JSON or bytes out; the caller does the I/O.
 */
public interface ApiTranslation {

  /** Empty when client == provider (nothing to translate). */
  static Optional<ApiTranslation> between(WireApi client, WireApi provider) {
    return between(client, provider, Clock.systemUTC());
  }

  /** The same, with the clock that dates OpenAI answers ({@code created}) made from Anthropic ones. */
  static Optional<ApiTranslation> between(WireApi client, WireApi provider, Clock clock) {
    if (client == provider) {
      return Optional.empty();
    }
    if (client == WireApi.OPENAI_CHAT) {
      return Optional.of(new Direction(client, provider, ChatToMessagesRequest::translate,
          answer -> MessageToCompletion.translate(answer, clock.instant().getEpochSecond()),
          ProviderErrors::anthropicToOpenAi, () -> new MessageEventsToChunks(clock.instant().getEpochSecond())));
    }
    return Optional.of(new Direction(client, provider, MessagesToChatRequest::translate,
        CompletionToMessage::translate, ProviderErrors::openAiToAnthropic, ChunksToMessageEvents::new));
  }

  WireApi client();

  WireApi provider();

  /**
   * Client request JSON to provider request JSON. The caller has already set {@code model} to the upstream name; it
   * is kept. Throws naming the client's field (a JSON path like {@code messages[2].content[0].type}, {@code n}).
   * {@code clientRequest} is not modified (the result may share its unchanged subtrees), so a caller may only check
   * that a body translates and send the body itself on.
   */
  ObjectNode request(ObjectNode clientRequest) throws Untranslatable;

  /** The request path the provider API expects, relative to the provider's /v1 prefix. */
  default String providerPath() {
    return provider().path();
  }

  /** Provider 2xx JSON answer to client JSON answer; a malformed provider answer names the provider's field. */
  ObjectNode response(ObjectNode providerAnswer) throws Untranslatable;

  /**
   * Provider error answer (any non-2xx; the body maybe not JSON) to a client-shaped error (the caller keeps the
   * status).
   */
  ObjectNode error(int status, ByteString providerBody);

  /** A translator for ONE streamed answer. */
  StreamTranslation stream();
}
