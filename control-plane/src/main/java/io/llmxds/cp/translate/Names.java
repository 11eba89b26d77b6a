package io.llmxds.cp.translate;

import java.util.List;

/**
 * Every name the translation gives to an Envoy resource, filter or extension, in one place: the ext_proc context
 * service, the CLI and the tests depend on these names, so none of them is spelled anywhere else.
 */
public final class Names {

  /** The one virtual host of the gateway's RouteConfiguration. */
  public static final String VIRTUAL_HOST = "llm";
  /** The catch-all route that answers 404 for a model no route serves (and is matched before ext_proc runs). */
  public static final String UNKNOWN_MODEL_ROUTE = "unknown-model";
  /** Its direct response, OpenAI's error shape (test stand-ins of Envoy answer the same). */
  public static final String UNKNOWN_MODEL_BODY =
      "{\"error\":{\"message\":\"no route for the requested model\",\"type\":\"invalid_request_error\","
          + "\"code\":\"model_not_found\"}}";
  public static final String CONTEXT_SERVICE_CLUSTER = "llm-xds/context-service";
  /** The route answering {@code GET /v1/models} itself; with Consumers one per consumer, {@code list-models/<c>}. */
  public static final String LIST_MODELS_ROUTE = "list-models";

  /** Set by the ext_proc service from the request body's {@code model}; routes match on it. */
  public static final String MODEL_HEADER = "x-llm-model";
  /** On every response Envoy routes: the version of the route that served the request. */
  public static final String ROUTE_VERSION_HEADER = "x-llm-route-version";
  /**
   * The {@code filter_metadata} namespace of every edge route ({@code model_route}, {@code route_version},
   * {@code upstream_models}) and of every provider endpoint ({@code provider}).
   */
  public static final String ROUTE_METADATA_NAMESPACE = io.llmxds.common.ContextPolicyMetadata.METADATA_NAMESPACE;
  /** Envoy request span tags, read from the matched route's metadata. */
  public static final String ROUTE_VERSION_TAG = "llm_xds.route_version";
  public static final String MODEL_ROUTE_TAG = "llm_xds.model_route";
  /** The name of the upstream ext_proc filter that rewrites the model (not the downstream one's: see its class). */
  public static final String UPSTREAM_MODEL_FILTER = "llm-xds.upstream-model";

  /** The one locality of every proxyless ClusterLoadAssignment (gRPC clients want a locality with a weight). */
  public static final String PROXYLESS_REGION = "llm-xds";
  public static final String PROXYLESS_ZONE = "default";

  public static final String HTTP_CONNECTION_MANAGER = "envoy.filters.network.http_connection_manager";
  public static final String EXT_PROC_FILTER = "envoy.filters.http.ext_proc";
  public static final String EXT_AUTHZ_FILTER = "envoy.filters.http.ext_authz";
  public static final String EARLY_HEADER_MUTATION = "envoy.http.early_header_mutation.header_mutation";
  public static final String LOCAL_RATELIMIT_FILTER = "envoy.filters.http.local_ratelimit";
  /** The ratelimit filter of the global limits that fail open, and of those that fail closed (one field each). */
  public static final String GLOBAL_RATELIMIT_OPEN_FILTER = "llm-xds.ratelimit.fail-open";
  public static final String GLOBAL_RATELIMIT_CLOSED_FILTER = "llm-xds.ratelimit.fail-closed";
  public static final String ROUTER_FILTER = "envoy.filters.http.router";
  public static final String CREDENTIAL_INJECTOR_FILTER = "envoy.filters.http.credential_injector";
  public static final String UPSTREAM_CODEC_FILTER = "envoy.filters.http.upstream_codec";
  public static final String GENERIC_CREDENTIAL = "envoy.http.injected_credentials.generic";
  public static final String TLS_TRANSPORT_SOCKET = "envoy.transport_sockets.tls";
  public static final String AGGREGATE_CLUSTER = "envoy.clusters.aggregate";
  public static final String UPSTREAM_HTTP_PROTOCOL_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";
  public static final String PREVIOUS_HOSTS_PREDICATE = "envoy.retry_host_predicates.previous_hosts";
  public static final String PREVIOUS_PRIORITIES = "envoy.retry_priorities.previous_priorities";

  private Names() {}

  public static String providerCluster(String provider) {
    return "provider/" + provider;
  }

  /**
   * The aggregate cluster that tries {@code chain}'s providers in order (a backend, then its route's fallbacks),
   * shared by every route with that chain: {@code fallback/<backend>/<fallback>/…}. Provider names have no
   * {@code /} and at most 63 characters, so the name spells the chain unambiguously, stays readable and never
   * equals a {@code provider/…} cluster; Envoy asks only for a non-empty name (cluster.proto:816).
   */
  public static String fallbackCluster(List<String> chain) {
    return "fallback/" + String.join("/", chain);
  }

  public static String listModelsRoute(String consumer) {
    return LIST_MODELS_ROUTE + "/" + consumer;
  }

  public static String credentialSecret(String provider) {
    return "provider/" + provider + "/credential";
  }

  /** The RouteConfiguration of a proxyless client's listener for {@code modelRoute} (the listener has its name). */
  public static String proxylessRouteConfig(String modelRoute) {
    return "proxyless/" + modelRoute;
  }

}
