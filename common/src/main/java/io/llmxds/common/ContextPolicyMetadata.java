package io.llmxds.common;

/**
 * The contract between the edge config and the ext_proc context service: the gRPC initial metadata of the upstream
 * phase, the request attributes and metadata keys the service reads, and the dynamic-metadata namespace it writes
 * token usage into. Policies are not part of it: they come from the data-path config (DataPathConfig). Documented
 * in docs/translation.md and docs/context-protocol.md.
 */
public final class ContextPolicyMetadata {

  /**
   * Sent only by the upstream ext_proc filter of the provider clusters a route picks (value {@link
   * #PHASE_UPSTREAM}): that stream carries one try as it leaves for the chosen provider, with the request attributes
   * below; the service sets the provider's path, model name and API headers, and translates the body (and the
   * answer) when the client speaks another API than the provider (docs/llm-apis.md "Translation").
   */
  public static final String PHASE = "x-llm-phase";
  public static final String PHASE_UPSTREAM = "upstream";

  /** The metadata namespace of edge routes and provider endpoints. */
  public static final String METADATA_NAMESPACE = "io.llmxds";
  /** Endpoint metadata: the Provider an endpoint belongs to. */
  public static final String ENDPOINT_PROVIDER_KEY = "provider";
  /** Endpoint metadata: the API the endpoint's Provider speaks ({@code openai} | {@code anthropic}). */
  public static final String ENDPOINT_API_KEY = "api";
  /**
   * Endpoint metadata: the path that stands for the provider's {@code /v1} (e.g. {@code /v1}, {@code /openai/v1}):
   * a client's {@code /v1/embeddings} goes to {@code <api_root>/embeddings}.
   */
  public static final String ENDPOINT_API_ROOT_KEY = "api_root";
  /** Route metadata: a map from Provider name to the model name that provider is sent, for renamed ones only. */
  public static final String ROUTE_UPSTREAM_MODELS_KEY = "upstream_models";

  /**
   * Where Envoy puts the evaluated request attributes in a ProcessingRequest: {@code attributes[<this>]} is a Struct
   * keyed by the expression text (ext_proc.cc:50, 1201-1213; docs/envoy-semantics.md).
   */
  public static final String ATTRIBUTES_KEY = "envoy.filters.http.ext_proc";
  private static final String UPSTREAM_HOST_PROVIDER = hostField(ENDPOINT_PROVIDER_KEY);
  /** The Provider of the host Envoy chose for this try (the host is chosen before upstream filters run). */
  public static final String UPSTREAM_PROVIDER_ATTRIBUTE = UPSTREAM_HOST_PROVIDER;
  /**
   * The model this try's provider is sent, looked up by Envoy in the route's {@link #ROUTE_UPSTREAM_MODELS_KEY}; the
   * expression fails, and the attribute is absent, when the route does not rename that provider's model.
   */
  public static final String UPSTREAM_MODEL_ATTRIBUTE = "xds.route_metadata.filter_metadata['" + METADATA_NAMESPACE
      + "']." + ROUTE_UPSTREAM_MODELS_KEY + "[" + UPSTREAM_HOST_PROVIDER + "]";

  /** The API of this try's provider ({@link #ENDPOINT_API_KEY}). */
  public static final String UPSTREAM_API_ATTRIBUTE = hostField(ENDPOINT_API_KEY);
  /** The path that stands for {@code /v1} at this try's provider ({@link #ENDPOINT_API_ROOT_KEY}). */
  public static final String UPSTREAM_API_ROOT_ATTRIBUTE = hostField(ENDPOINT_API_ROOT_KEY);

  /**
   * The dynamic-metadata namespace the client-facing (downstream) phase writes what it learnt of the client's request
   * into, for the upstream phase of every try: the request header map is shared by all tries and carries every
   * earlier try's mutations, {@code :path} and {@code content-length} included (docs/envoy-semantics.md RT3), the
   * stream's dynamic metadata only what the downstream phase wrote (U5).
   */
  public static final String CLIENT_NAMESPACE = "io.llmxds.client";
  /** The client's {@code :path}, query included (string). */
  public static final String CLIENT_PATH_KEY = "path";
  /** The length in bytes of the request body the downstream phase let through: the router's body (decimal string). */
  public static final String CLIENT_BODY_BYTES_KEY = "body_bytes";
  public static final String CLIENT_PATH_ATTRIBUTE = clientField(CLIENT_PATH_KEY);
  public static final String CLIENT_BODY_BYTES_ATTRIBUTE = clientField(CLIENT_BODY_BYTES_KEY);

  /**
   * The largest request body a Gateway may let Envoy buffer ({@code requestBufferLimit}). ext_proc sends a buffered
   * body as one gRPC message, so the context service must accept messages this large (plus the message's envelope)
   * or the stream fails and the request passes without its model (docs/envoy-semantics.md).
   */
  public static final long MAX_BUFFERED_BODY_BYTES = 1L << 30;

  /** The dynamic-metadata namespace of token usage ({@code prompt_tokens}, {@code completion_tokens}, …). */
  public static final String USAGE_NAMESPACE = "io.llmxds.usage";
  /** Its fields: token counts (numbers) and the model that answered (string, absent when the answer names none). */
  public static final String USAGE_PROMPT_TOKENS = "prompt_tokens";
  public static final String USAGE_COMPLETION_TOKENS = "completion_tokens";
  public static final String USAGE_TOTAL_TOKENS = "total_tokens";
  public static final String USAGE_MODEL = "model";

  private ContextPolicyMetadata() {}

  private static String hostField(String key) {
    return "xds.upstream_host_metadata.filter_metadata['" + METADATA_NAMESPACE + "']." + key;
  }

  /** {@code metadata} is the stream's dynamic metadata (expr/evaluator.cc:68-69). */
  private static String clientField(String key) {
    return "metadata.filter_metadata['" + CLIENT_NAMESPACE + "']." + key;
  }
}
