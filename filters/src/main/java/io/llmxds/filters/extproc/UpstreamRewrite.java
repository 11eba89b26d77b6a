package io.llmxds.filters.extproc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Struct;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest.RequestCase;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.llmxds.filters.config.DataPathSnapshot;
import io.llmxds.filters.extproc.ServiceMetrics.Outcome;
import io.llmxds.filters.unified.ApiTranslation;
import io.llmxds.filters.unified.Untranslatable;
import java.util.Map;
import java.util.Optional;

/**
 * The upstream phase (docs/llm-apis.md "Translation", docs/translation.md "the upstream phase"), once per try: Envoy
 * has chosen the host, and the request attributes ({@link TryPlan}) say which provider it belongs to, which API it
 * speaks and what the client called. At the headers the try gets its provider's path, the API's headers (an
 * {@code anthropic-version} for Anthropic, never the other API's key header) and its body's length; a try that
 * changes nothing else is told to send nothing more but its answer's headers (a {@code mode_override}, X13), which
 * name the try ({@link TryIdentity}). A renamed try gets its model in
 * the body; a try whose client speaks the other API gets its body, and then its answer, translated
 * ({@link TranslatedAnswer}). Nothing here can refuse the request (an upstream filter cannot answer the client, U4):
 * a body the codec cannot translate was refused by the downstream phase already, and otherwise goes on as it is.
 */
final class UpstreamRewrite implements ExchangeHandler {
  private final DataPathSnapshot snapshot;
  private final ServiceParts parts;
  private TryPlan plan = TryPlan.NONE;
  private Optional<ApiTranslation> translation = Optional.empty();
  private Optional<TranslatedAnswer> answer = Optional.empty();

  UpstreamRewrite(DataPathSnapshot snapshot, ServiceParts parts) {
    this.snapshot = snapshot;
    this.parts = parts;
  }

  /** Envoy sends the attributes once, with the stream's first message (ext_proc.cc:1201-1213). */
  @Override
  public void attributes(Map<String, Struct> attributes) {
    plan = TryPlan.of(attributes);
  }

  @Override
  public ProcessingResponse requestHeaders(Headers headers) {
    translation = plan.translation(headers);
    HeaderMutation.Builder mutation = HeaderMutation.newBuilder();
    String path = plan.upstreamPath(translation).orElse(null);
    if (path != null && !headers.get(":path").filter(path::equals).isPresent()) {
      // :path may be set by ext_proc (only :method, :scheme and host are refused, mutation_rules.cc:22-30, 82-87).
      mutation.addSetHeaders(Headers.set(":path", path));
    }
    plan.api().ifPresent(api -> {
      // The other API's key (the client's own, or an earlier try's injected one) is not for this provider.
      if (headers.get(api.foreignKeyHeader()).isPresent()) {
        mutation.addRemoveHeaders(api.foreignKeyHeader());
      }
      boolean versioned = headers.get(ProviderApi.ANTHROPIC_VERSION_HEADER).isPresent();
      if (api == ProviderApi.ANTHROPIC && !versioned) {
        mutation.addSetHeaders(Headers.set(ProviderApi.ANTHROPIC_VERSION_HEADER, ProviderApi.ANTHROPIC_VERSION));
      } else if (api == ProviderApi.OPENAI && versioned) {
        mutation.addRemoveHeaders(ProviderApi.ANTHROPIC_VERSION_HEADER);
      }
    });
    if (!plan.needsBody(translation)) {
      // Every try gets the router's body but the headers as earlier tries left them (RT3): its own length.
      mutation.addSetHeaders(Headers.set("content-length", Long.toString(plan.clientBodyBytes().getAsLong())));
      parts.metrics().outcome(Outcome.UPSTREAM_UNCHANGED);
    }
    CommonResponse.Builder common = CommonResponse.newBuilder();
    if (mutation.getSetHeadersCount() > 0 || mutation.getRemoveHeadersCount() > 0) {
      common.setHeaderMutation(mutation);
    }
    if (translation.isPresent()) {
      answer = Optional.of(new TranslatedAnswer(translation.get(), snapshot.maxBodyBytes()));
      return Responses.of(RequestCase.REQUEST_HEADERS, common.build()).build();
    }
    return Responses.of(RequestCase.REQUEST_HEADERS, common.build())
        .setModeOverride(plan.needsBody(translation)
            ? ProcessingModes.REQUEST_BODY_AND_ANSWER_HEADERS : ProcessingModes.ANSWER_HEADERS_ONLY)
        .build();
  }

  /**
   * Every try gets the router's original body, but the request headers an earlier try's filters changed: its
   * {@code content-length} may be the earlier try's rewritten length (docs/envoy-semantics.md RT3). So even a body
   * this try leaves alone is sent with its own length.
   */
  @Override
  public ProcessingResponse requestBody(HttpBody body) {
    boolean changes = plan.model().isPresent() || translation.isPresent();
    Optional<ObjectNode> json = changes && body.getEndOfStream()
        ? JsonBody.parse(body.getBody(), snapshot.maxBodyBytes()).json() : Optional.empty();
    if (json.isEmpty()) {
      parts.metrics().outcome(Outcome.UPSTREAM_UNCHANGED);
      CommonResponse.Builder ownLength = CommonResponse.newBuilder();
      ownLength.getHeaderMutationBuilder()
          .addSetHeaders(Headers.set("content-length", Integer.toString(body.getBody().size())));
      return Responses.of(RequestCase.REQUEST_BODY, ownLength.build()).build();
    }
    ObjectNode sent = json.get();
    if (plan.model().isPresent()) {
      sent.put("model", plan.model().get());
    }
    Outcome outcome = Outcome.UPSTREAM_REWRITTEN;
    if (translation.isPresent()) {
      try {
        sent = translation.get().request(sent);
        outcome = Outcome.UPSTREAM_TRANSLATED;
      } catch (Untranslatable e) {
        // The downstream phase refuses such a body for every route with a provider of another API; one that still
        // arrives (a config change between the phases) goes as it is, and the provider's error is translated back.
        outcome = Outcome.UPSTREAM_UNTRANSLATABLE;
      }
    }
    CommonResponse.Builder common = CommonResponse.newBuilder();
    Responses.replaceBody(common, sent);
    parts.metrics().outcome(outcome);
    return Responses.of(RequestCase.REQUEST_BODY, common.build()).build();
  }

  /**
   * The answer's headers name this try ({@link TryIdentity}): the answer that reaches the client is the last try's,
   * and the client-facing phase reads from them who answered it.
   */
  @Override
  public ProcessingResponse responseHeaders(Headers headers) {
    ProcessingResponse.Builder response = answer.map(a -> a.headers(headers))
        .orElseGet(() -> Responses.passThrough(RequestCase.RESPONSE_HEADERS)).toBuilder();
    plan.identity().writeTo(response.getResponseHeadersBuilder().getResponseBuilder().getHeaderMutationBuilder());
    return response.build();
  }

  @Override
  public ProcessingResponse responseBody(HttpBody body) {
    return answer.map(a -> a.body(body)).orElseGet(() -> Responses.passThrough(RequestCase.RESPONSE_BODY));
  }
}
