package io.llmxds.filters.extproc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest.RequestCase;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.llmxds.filters.extproc.ServiceMetrics.Outcome;
import java.util.Optional;

/**
 * The upstream phase (docs/translation.md "the upstream rewriter"): the cluster's chosen backend serves the model
 * under another name, given in {@code x-llm-upstream-model}; the body's {@code model} becomes that name and the
 * header is removed. Without the header, or with a body that is not a JSON object, nothing changes.
 */
final class UpstreamRewrite implements ExchangeHandler {
  static final String UPSTREAM_MODEL = "x-llm-upstream-model";

  private final ServiceParts parts;
  private Optional<String> model = Optional.empty();

  UpstreamRewrite(ServiceParts parts) {
    this.parts = parts;
  }

  @Override
  public ProcessingResponse requestHeaders(Headers headers) {
    model = headers.get(UPSTREAM_MODEL);
    if (model.isEmpty()) {
      parts.metrics().outcome(Outcome.UPSTREAM_UNCHANGED);
      return Responses.passThrough(RequestCase.REQUEST_HEADERS);
    }
    CommonResponse.Builder common = CommonResponse.newBuilder();
    common.getHeaderMutationBuilder().addRemoveHeaders(UPSTREAM_MODEL);
    return Responses.of(RequestCase.REQUEST_HEADERS, common.build()).build();
  }

  @Override
  public ProcessingResponse requestBody(HttpBody body) {
    if (model.isEmpty()) {
      return Responses.passThrough(RequestCase.REQUEST_BODY);
    }
    Optional<ObjectNode> json = body.getEndOfStream()
        ? JsonBody.parse(body.getBody(), parts.maxBodyBytes()).json() : Optional.empty();
    if (json.isEmpty()) {
      parts.metrics().outcome(Outcome.UPSTREAM_UNCHANGED);
      return Responses.passThrough(RequestCase.REQUEST_BODY);
    }
    json.get().put("model", model.get());
    CommonResponse.Builder common = CommonResponse.newBuilder();
    Responses.replaceBody(common, json.get());
    parts.metrics().outcome(Outcome.UPSTREAM_REWRITTEN);
    return Responses.of(RequestCase.REQUEST_BODY, common.build()).build();
  }
}
