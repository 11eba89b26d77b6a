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
    throw new Untranslatable("", "not implemented yet");
  }

  @Override
  public ObjectNode response(ObjectNode providerAnswer) throws Untranslatable {
    throw new Untranslatable("", "not implemented yet");
  }

  @Override
  public ObjectNode error(int status, ByteString providerBody) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public StreamTranslation stream() {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
