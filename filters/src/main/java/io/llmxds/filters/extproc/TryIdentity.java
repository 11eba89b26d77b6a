package io.llmxds.filters.extproc;

import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import java.util.List;
import java.util.Optional;

/**
 * Which try answered, as the upstream phase of that try tells the client-facing phase (docs/observability.md "GenAI
 * telemetry"): response headers set on the try's answer. Only the answering try's headers reach the downstream
 * filters — a retried try's answer is dropped by the router (docs/envoy-semantics.md G1) — and the downstream phase
 * removes them before the client sees them. They name a Provider, its API and the model the route sends it; never
 * a key.
 *
 * @param provider the Provider (the backend) the try's host belongs to
 * @param api the Provider's API ({@code openai} | {@code anthropic})
 * @param model the model the route sends that Provider when it renames it
 */
record TryIdentity(Optional<String> provider, Optional<String> api, Optional<String> model) {
  static final String PROVIDER_HEADER = "x-llm-provider";
  static final String API_HEADER = "x-llm-provider-api";
  static final String MODEL_HEADER = "x-llm-provider-model";
  private static final List<String> HEADERS = List.of(PROVIDER_HEADER, API_HEADER, MODEL_HEADER);

  static final TryIdentity NONE = new TryIdentity(Optional.empty(), Optional.empty(), Optional.empty());

  /** What the answer's headers say; without the provider header, nothing (the upstream phase sets it on every try). */
  static TryIdentity of(Headers headers) {
    if (headers.get(PROVIDER_HEADER).isEmpty()) {
      return NONE;
    }
    return new TryIdentity(headers.get(PROVIDER_HEADER), headers.get(API_HEADER), headers.get(MODEL_HEADER));
  }

  /**
   * Sets this try's headers, and removes those it has no value for: a provider's own header of the same name must
   * not pass for ours.
   */
  void writeTo(HeaderMutation.Builder mutation) {
    List<Optional<String>> values = List.of(provider, api, model);
    for (int i = 0; i < HEADERS.size(); i++) {
      if (values.get(i).isPresent()) {
        mutation.addSetHeaders(Headers.set(HEADERS.get(i), values.get(i).get()));
      } else {
        mutation.addRemoveHeaders(HEADERS.get(i));
      }
    }
  }

  /** Removes them all, so that the client never sees them. */
  static void removeFrom(HeaderMutation.Builder mutation) {
    mutation.addAllRemoveHeaders(HEADERS);
  }
}
