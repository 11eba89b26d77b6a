package io.llmxds.common;

import java.util.List;

/**
 * Who a request is, as the gateway alone decides it (docs/policies.md "Consumer", docs/envoy-semantics.md rows I1–I4):
 * the client's API key is checked by the data-path service's ext_authz {@code Check}; on success the gateway sets
 * the consumer and tier headers below, and every filter after it (the context service, local_ratelimit) reads
 * identity from them and nothing else. A client cannot set them: the edge's HCM removes every reserved name before
 * the route is picked and before any filter runs.
 */
public final class GatewayIdentity {

  /** The authenticated consumer's name. Absent on anonymous gateways (no Consumer policy at all). */
  public static final String CONSUMER_HEADER = "x-llm-consumer";
  /** The authenticated consumer's tier ({@link #DEFAULT_TIER} when its policy names none). */
  public static final String TIER_HEADER = "x-llm-tier";
  /** The tier of a consumer that names none, and of every request on an anonymous gateway. */
  public static final String DEFAULT_TIER = "default";

  /**
   * Request headers only the gateway may set: removed from every client request on arrival. {@code x-llm-model} is
   * among them because a route is picked on it; only the context service sets it, from the body.
   */
  public static final List<String> RESERVED_REQUEST_HEADERS = List.of(CONSUMER_HEADER, TIER_HEADER, "x-llm-model");

  /** Where OpenAI SDKs send a key ({@code Bearer <key>}). */
  public static final String AUTHORIZATION_HEADER = "authorization";
  /** Where Anthropic SDKs send a key. */
  public static final String X_API_KEY_HEADER = "x-api-key";
  /** Where Azure OpenAI SDKs send a key. */
  public static final String API_KEY_HEADER = "api-key";
  /** The headers a key is read from, in this order; all of them are removed before the request goes upstream. */
  public static final List<String> KEY_HEADERS = List.of(AUTHORIZATION_HEADER, X_API_KEY_HEADER, API_KEY_HEADER);

  private GatewayIdentity() {}
}
