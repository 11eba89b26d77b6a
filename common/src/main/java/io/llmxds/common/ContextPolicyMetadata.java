package io.llmxds.common;

/**
 * The contract between the edge config and the ext_proc context service: the gRPC initial metadata of the upstream
 * phase, the request attributes and metadata keys the service reads, and the dynamic-metadata namespace it writes
 * token usage into. Policies are not part of it: they come from the data-path config (DataPathConfig). Documented
 * in docs/translation.md and docs/context-protocol.md.
 */
public final class ContextPolicyMetadata {

  /**
   * Sent only by the upstream ext_proc filter of clusters that rewrite the model name (value {@link
   * #PHASE_UPSTREAM}): that stream carries one try's request body as it leaves for the provider, with the request
   * attributes below, and asks only for the body's {@code model} to be rewritten.
   */
  public static final String PHASE = "x-llm-phase";
  public static final String PHASE_UPSTREAM = "upstream";

  /** The metadata namespace of edge routes and provider endpoints. */
  public static final String METADATA_NAMESPACE = "io.llmxds";
  /** Endpoint metadata: the Provider an endpoint belongs to. */
  public static final String ENDPOINT_PROVIDER_KEY = "provider";
  /** Route metadata: a map from Provider name to the model name that provider is sent, for renamed ones only. */
  public static final String ROUTE_UPSTREAM_MODELS_KEY = "upstream_models";

  /**
   * Where Envoy puts the evaluated request attributes in a ProcessingRequest: {@code attributes[<this>]} is a Struct
   * keyed by the expression text (ext_proc.cc:50, 1201-1213; docs/envoy-semantics.md).
   */
  public static final String ATTRIBUTES_KEY = "envoy.filters.http.ext_proc";
  private static final String UPSTREAM_HOST_PROVIDER =
      "xds.upstream_host_metadata.filter_metadata['" + METADATA_NAMESPACE + "']." + ENDPOINT_PROVIDER_KEY;
  /** The Provider of the host Envoy chose for this try (the host is chosen before upstream filters run). */
  public static final String UPSTREAM_PROVIDER_ATTRIBUTE = UPSTREAM_HOST_PROVIDER;
  /**
   * The model this try's provider is sent, looked up by Envoy in the route's {@link #ROUTE_UPSTREAM_MODELS_KEY}; the
   * expression fails, and the attribute is absent, when the route does not rename that provider's model.
   */
  public static final String UPSTREAM_MODEL_ATTRIBUTE = "xds.route_metadata.filter_metadata['" + METADATA_NAMESPACE
      + "']." + ROUTE_UPSTREAM_MODELS_KEY + "[" + UPSTREAM_HOST_PROVIDER + "]";

  /**
   * The largest request body a Gateway may let Envoy buffer ({@code requestBufferLimit}). ext_proc sends a buffered
   * body as one gRPC message, so the context service must accept messages this large (plus the message's envelope)
   * or the stream fails and the request passes without its model (docs/envoy-semantics.md).
   */
  public static final long MAX_BUFFERED_BODY_BYTES = 1L << 30;

  /** The dynamic-metadata namespace of token usage ({@code prompt_tokens}, {@code completion_tokens}, …). */
  public static final String USAGE_NAMESPACE = "io.llmxds.usage";

  private ContextPolicyMetadata() {}
}
