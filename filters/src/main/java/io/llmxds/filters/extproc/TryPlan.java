package io.llmxds.filters.extproc;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.llmxds.common.ContextPolicyMetadata;
import io.llmxds.filters.unified.ApiTranslation;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one try must change for the provider of the host Envoy chose, read from the request attributes Envoy
 * evaluated for it (docs/envoy-semantics.md X19, U2, U5): the model the route sends that provider, the provider's
 * API and the path standing for its {@code /v1}, and the client's path and body length as the downstream phase saw
 * them — never from the request headers, which carry every earlier try's mutations (RT3).
 *
 * @param provider the Provider the chosen host belongs to
 * @param model the provider's model name when the route renames it
 * @param api the provider's API; empty for an endpoint the control plane did not label (nothing is translated)
 * @param apiRoot the path standing for the provider's {@code /v1}
 * @param clientPath the client's {@code :path}, query included
 * @param clientBodyBytes the length of the body the router sends every try
 */
record TryPlan(Optional<String> provider, Optional<String> model, Optional<ProviderApi> api, Optional<String> apiRoot,
    Optional<String> clientPath, OptionalLong clientBodyBytes) {

  /** The path every API of a model route lives under. */
  private static final String V1 = "/v1";
  static final TryPlan NONE = new TryPlan(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
      Optional.empty(), OptionalLong.empty());

  static TryPlan of(Map<String, Struct> attributes) {
    Struct evaluated = attributes.get(ContextPolicyMetadata.ATTRIBUTES_KEY);
    if (evaluated == null) {
      return NONE;
    }
    return new TryPlan(
        text(evaluated, ContextPolicyMetadata.UPSTREAM_PROVIDER_ATTRIBUTE).filter(p -> !p.isEmpty()),
        text(evaluated, ContextPolicyMetadata.UPSTREAM_MODEL_ATTRIBUTE).filter(m -> !m.isEmpty()),
        text(evaluated, ContextPolicyMetadata.UPSTREAM_API_ATTRIBUTE).flatMap(ProviderApi::of),
        text(evaluated, ContextPolicyMetadata.UPSTREAM_API_ROOT_ATTRIBUTE),
        text(evaluated, ContextPolicyMetadata.CLIENT_PATH_ATTRIBUTE).filter(p -> p.startsWith("/")),
        text(evaluated, ContextPolicyMetadata.CLIENT_BODY_BYTES_ATTRIBUTE).map(TryPlan::length)
            .orElse(OptionalLong.empty()));
  }

  /** What this try tells the downstream phase about itself, with its answer's headers. */
  TryIdentity identity() {
    return new TryIdentity(provider, api.map(a -> a.wire), model);
  }

  /** The API the client called: a {@code POST} to its path (the method no try can change, X10). */
  Optional<LlmApi> clientApi(Headers headers) {
    return headers.get(":method").filter("POST"::equals).flatMap(m -> clientPath.flatMap(LlmApi::ofPath));
  }

  /** The translation this try needs: a chat request of one API to a provider of the other. */
  Optional<ApiTranslation> translation(Headers headers) {
    Optional<LlmApi> client = clientApi(headers);
    if (client.isEmpty() || api.isEmpty()) {
      return Optional.empty();
    }
    return client.get().chatFormat().flatMap(format -> ApiTranslation.between(format, api.get().chat));
  }

  /**
   * The path for this provider: its API root and the client's path after {@code /v1} (the query kept), or the
   * provider API's own path when the body is translated. Empty when the try is not labelled, or the client's path is
   * not under {@code /v1} (model routes match nothing else).
   */
  Optional<String> upstreamPath(Optional<ApiTranslation> translation) {
    if (apiRoot.isEmpty() || clientPath.isEmpty() || !clientPath.get().startsWith(V1 + "/")) {
      return Optional.empty();
    }
    String[] pathAndQuery = clientPath.get().split("\\?", 2);
    String query = pathAndQuery.length > 1 ? "?" + pathAndQuery[1] : "";
    String rest = translation.map(ApiTranslation::providerPath)
        .orElse(pathAndQuery[0].substring(V1.length()));
    return Optional.of(apiRoot.get() + rest + query);
  }

  /** Whether the try must see the body: to rename the model, to translate it, or to learn its length. */
  boolean needsBody(Optional<ApiTranslation> translation) {
    return model.isPresent() || translation.isPresent() || clientBodyBytes.isEmpty();
  }

  private static OptionalLong length(String digits) {
    try {
      long length = Long.parseLong(digits);
      return length >= 0 ? OptionalLong.of(length) : OptionalLong.empty();
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  private static Optional<String> text(Struct struct, String key) {
    Value value = struct.getFieldsOrDefault(key, Value.getDefaultInstance());
    return value.hasStringValue() ? Optional.of(value.getStringValue()) : Optional.empty();
  }
}
