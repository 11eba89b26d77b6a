package io.llmxds.filters.extproc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest.RequestCase;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.llmxds.filters.auth.OpenAiErrors;
import io.llmxds.filters.unified.ApiTranslation;
import io.llmxds.filters.unified.StreamTranslation;
import io.llmxds.filters.unified.Untranslatable;
import java.util.Locale;
import java.util.Optional;

/**
 * A provider's answer to a translated try, turned into the client's API in the upstream phase, before the
 * downstream filters see it (docs/envoy-semantics.md U6): an SSE answer chunk by chunk ({@code STREAMED}), anything
 * else whole ({@code BUFFERED}) — a 2xx JSON answer by the codec's {@code response}, an error by its {@code error}
 * with the provider's status kept. The answer's body mode is chosen at its headers by a {@code mode_override} (X13).
 */
final class TranslatedAnswer {
  /** A 2xx answer the codec cannot read is the provider's failure, as a gateway reports it. */
  private static final int BAD_GATEWAY = 502;

  private final ApiTranslation translation;
  private final long maxBodyBytes;
  private int status;
  private Optional<StreamTranslation> stream = Optional.empty();

  TranslatedAnswer(ApiTranslation translation, long maxBodyBytes) {
    this.translation = translation;
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * Picks the body mode. A streamed body has another length than the provider's: Envoy drops {@code
   * content-length} in {@code STREAMED} (X8), and the service removes it too.
   */
  ProcessingResponse headers(Headers headers) {
    status = headers.get(":status").flatMap(TranslatedAnswer::number).orElse(0);
    boolean sse = status / 100 == 2 && headers.get("content-type")
        .map(t -> t.toLowerCase(Locale.ROOT).startsWith("text/event-stream")).orElse(false);
    CommonResponse.Builder common = CommonResponse.newBuilder();
    if (sse) {
      stream = Optional.of(translation.stream());
      common.getHeaderMutationBuilder().addRemoveHeaders("content-length");
    }
    return Responses.of(RequestCase.RESPONSE_HEADERS, common.build())
        .setModeOverride(sse ? ProcessingModes.STREAMED_RESPONSE : ProcessingModes.BUFFERED_RESPONSE)
        .build();
  }

  ProcessingResponse body(HttpBody body) {
    CommonResponse.Builder common = CommonResponse.newBuilder();
    if (stream.isPresent()) {
      ByteString out = stream.get().feed(body.getBody(), body.getEndOfStream());
      common.setBodyMutation(BodyMutation.newBuilder().setBody(out));
      return Responses.of(RequestCase.RESPONSE_BODY, common.build()).build();
    }
    if (!body.getEndOfStream()) {
      return Responses.passThrough(RequestCase.RESPONSE_BODY);
    }
    ObjectNode translated;
    if (status / 100 == 2) {
      Optional<ObjectNode> answer = JsonBody.parse(body.getBody(), maxBodyBytes).json();
      try {
        translated = translation.response(answer.orElseThrow(() -> new Untranslatable("", "not a JSON object")));
      } catch (Untranslatable e) {
        translated = translation.error(BAD_GATEWAY, body.getBody());
        // BUFFERED holds the headers until this answer, so its status can still change (X8).
        common.getHeaderMutationBuilder().addSetHeaders(Headers.set(":status", Integer.toString(BAD_GATEWAY)));
      }
    } else {
      translated = translation.error(status, body.getBody());
    }
    common.getHeaderMutationBuilder().addSetHeaders(Headers.set("content-type", OpenAiErrors.CONTENT_TYPE));
    Responses.replaceBody(common, translated);
    return Responses.of(RequestCase.RESPONSE_BODY, common.build()).build();
  }

  private static Optional<Integer> number(String status) {
    try {
      return Optional.of(Integer.parseInt(status.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
