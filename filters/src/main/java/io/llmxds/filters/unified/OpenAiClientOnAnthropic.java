package io.llmxds.filters.unified;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import java.time.Clock;

/** An OpenAI chat-completions client served by an Anthropic Messages provider. */
final class OpenAiClientOnAnthropic implements ApiTranslation {
  private final Clock clock;

  OpenAiClientOnAnthropic(Clock clock) {
    this.clock = clock;
  }

  @Override
  public WireApi client() {
    return WireApi.OPENAI_CHAT;
  }

  @Override
  public WireApi provider() {
    return WireApi.ANTHROPIC_MESSAGES;
  }

  @Override
  public ObjectNode request(ObjectNode clientRequest) throws Untranslatable {
    return ChatToMessagesRequest.translate(clientRequest);
  }

  @Override
  public ObjectNode response(ObjectNode providerAnswer) throws Untranslatable {
    return MessageToCompletion.translate(providerAnswer, clock.instant().getEpochSecond());
  }

  @Override
  public ObjectNode error(int status, ByteString providerBody) {
    return ProviderErrors.anthropicToOpenAi(status, providerBody);
  }

  @Override
  public StreamTranslation stream() {
    return new MessageEventsToChunks(clock.instant().getEpochSecond());
  }
}
