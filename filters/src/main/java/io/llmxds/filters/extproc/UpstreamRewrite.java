package io.llmxds.filters.extproc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest.RequestCase;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.llmxds.common.ContextPolicyMetadata;
import io.llmxds.filters.config.DataPathSnapshot;
import io.llmxds.filters.extproc.ServiceMetrics.Outcome;
import java.util.Map;
import java.util.Optional;

/**
 * The upstream phase (docs/translation.md "the upstream rewriter"), once per try: Envoy has chosen the host, and the
 * request attributes say which provider it belongs to and which model the route sends that provider
 * ({@link ContextPolicyMetadata#UPSTREAM_MODEL_ATTRIBUTE}). The body's {@code model} becomes that name. Without the
 * attribute (the route does not rename this provider's model), or with a body that is not a JSON object, nothing
 * changes.
 */
final class UpstreamRewrite implements ExchangeHandler {

  private final DataPathSnapshot snapshot;
  private final ServiceParts parts;
  private Optional<String> model = Optional.empty();

  UpstreamRewrite(DataPathSnapshot snapshot, ServiceParts parts) {
    this.snapshot = snapshot;
    this.parts = parts;
  }

  /** Envoy sends the attributes once, with the stream's first message (ext_proc.cc:1201-1213). */
  @Override
  public void attributes(Map<String, Struct> attributes) {
    model = Optional.ofNullable(attributes.get(ContextPolicyMetadata.ATTRIBUTES_KEY))
        .map(s -> s.getFieldsOrDefault(ContextPolicyMetadata.UPSTREAM_MODEL_ATTRIBUTE, Value.getDefaultInstance()))
        .filter(Value::hasStringValue)
        .map(Value::getStringValue)
        .filter(m -> !m.isEmpty());
  }

  @Override
  public ProcessingResponse requestHeaders(Headers headers) {
    if (model.isEmpty()) {
      parts.metrics().outcome(Outcome.UPSTREAM_UNCHANGED);
    }
    return Responses.passThrough(RequestCase.REQUEST_HEADERS);
  }

  /**
   * Every try gets the router's original body, but the request headers an earlier try's filters changed: its
   * {@code content-length} may be the earlier try's rewritten length (docs/envoy-semantics.md). So even a body this
   * try leaves alone is sent with its own length.
   */
  @Override
  public ProcessingResponse requestBody(HttpBody body) {
    Optional<ObjectNode> json = model.isPresent() && body.getEndOfStream()
        ? JsonBody.parse(body.getBody(), snapshot.maxBodyBytes()).json() : Optional.empty();
    if (json.isEmpty()) {
      if (model.isPresent()) {
        parts.metrics().outcome(Outcome.UPSTREAM_UNCHANGED);
      }
      CommonResponse.Builder ownLength = CommonResponse.newBuilder();
      ownLength.getHeaderMutationBuilder()
          .addSetHeaders(Headers.set("content-length", Integer.toString(body.getBody().size())));
      return Responses.of(RequestCase.REQUEST_BODY, ownLength.build()).build();
    }
    json.get().put("model", model.get());
    CommonResponse.Builder common = CommonResponse.newBuilder();
    Responses.replaceBody(common, json.get());
    parts.metrics().outcome(Outcome.UPSTREAM_REWRITTEN);
    return Responses.of(RequestCase.REQUEST_BODY, common.build()).build();
  }
}
