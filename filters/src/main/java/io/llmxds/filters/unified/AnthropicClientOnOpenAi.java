package io.llmxds.filters.unified;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;

/** An Anthropic Messages client served by an OpenAI chat-completions provider. */
final class AnthropicClientOnOpenAi implements ApiTranslation {

  @Override
  public WireApi client() {
    return WireApi.ANTHROPIC_MESSAGES;
  }

  @Override
  public WireApi provider() {
    return WireApi.OPENAI_CHAT;
  }

  @Override
  public ObjectNode request(ObjectNode clientRequest) throws Untranslatable {
    return MessagesToChatRequest.translate(clientRequest);
  }

  @Override
  public ObjectNode response(ObjectNode providerAnswer) throws Untranslatable {
    return CompletionToMessage.translate(providerAnswer);
  }

  @Override
  public ObjectNode error(int status, ByteString providerBody) {
    return ProviderErrors.openAiToAnthropic(status, providerBody);
  }

  @Override
  public StreamTranslation stream() {
    return new ChunksToMessageEvents();
  }
}
