package io.llmxds.filters.unified;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/** One direction of translation, made of the translators of its parts ({@link ApiTranslation#between}). */
record Direction(WireApi client, WireApi provider, Body request, Body response,
    BiFunction<Integer, ByteString, ObjectNode> errors, Supplier<StreamTranslation> streams)
    implements ApiTranslation {

  /** A body translator. */
  interface Body {
    ObjectNode translate(ObjectNode body) throws Untranslatable;
  }

  @Override
  public ObjectNode request(ObjectNode clientRequest) throws Untranslatable {
    return request.translate(clientRequest);
  }

  @Override
  public ObjectNode response(ObjectNode providerAnswer) throws Untranslatable {
    return response.translate(providerAnswer);
  }

  @Override
  public ObjectNode error(int status, ByteString providerBody) {
    return errors.apply(status, providerBody);
  }

  @Override
  public StreamTranslation stream() {
    return streams.get();
  }
}
