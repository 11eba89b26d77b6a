package io.llmxds.cp.verify.load;

import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What the ext_proc factory checks ({@code verifyFilterConfig}, {@code verifyProcessingModeConfig}) before it
 * builds a filter, downstream and upstream alike; and what its {@code FilterConfig} makes of attributes.
 */
final class ExtProcRules {

  private static final String FACTORY = "source/extensions/filters/http/ext_proc/config.cc:";

  private ExtProcRules() {}

  static final Each<ExternalProcessor> ONE_SERVICE = check(FACTORY + "58-61",
      p -> p.hasGrpcService() == p.hasHttpService()
          ? "One and only one of grpc_service or http_service must be configured" : null);

  static final Each<ExternalProcessor> ROUTE_CACHE = check(FACTORY + "63-68",
      p -> p.getDisableClearRouteCache() && p.getRouteCacheAction() != ExternalProcessor.RouteCacheAction.DEFAULT
          ? "disable_clear_route_cache and route_cache_action can not be set to none-default at the same time."
          : null);

  static final Each<ExternalProcessor> HTTP_SERVICE_HEADERS_ONLY = check(FACTORY + "18-33",
      p -> p.hasHttpService() && sendsBodyOrTrailers(p.getProcessingMode())
          ? "If the ext_proc filter is configured with http_service instead of gRPC service, then the processing "
              + "modes of this filter can not be configured to send body or trailer." : null);

  static final Each<ExternalProcessor> FULL_DUPLEX_REQUEST = check(FACTORY + "35-42",
      p -> p.getProcessingMode().getRequestBodyMode() == ProcessingMode.BodySendMode.FULL_DUPLEX_STREAMED
          && p.getProcessingMode().getRequestTrailerMode() != ProcessingMode.HeaderSendMode.SEND
          ? "If the ext_proc filter has the request_body_mode set to FULL_DUPLEX_STREAMED, then the "
              + "request_trailer_mode has to be set to SEND" : null);

  static final Each<ExternalProcessor> FULL_DUPLEX_RESPONSE = check(FACTORY + "44-51",
      p -> p.getProcessingMode().getResponseBodyMode() == ProcessingMode.BodySendMode.FULL_DUPLEX_STREAMED
          && p.getProcessingMode().getResponseTrailerMode() != ProcessingMode.HeaderSendMode.SEND
          ? "If the ext_proc filter has the response_body_mode set to FULL_DUPLEX_STREAMED, then the "
              + "response_trailer_mode has to be set to SEND" : null);

  /**
   * llm-xds's rule: a {@code request_attributes} / {@code response_attributes} entry that names no attribute of
   * Envoy's CEL context is dead. Envoy parses each as CEL at load (a syntax error is a NACK, matching_utils.cc:22-26)
   * and per request leaves out, without a word, every one that evaluates to an error, as an unknown attribute does.
   * Judged for entries that start with an attribute path ({@code a.b...}); other CEL is not.
   */
  static final Each<ExternalProcessor> ATTRIBUTES_KNOWN = Each.ignored(
      "source/extensions/filters/http/ext_proc/matching_utils.cc:53-64", ExtProcRules::configs, (p, report) -> {
        attributes(p.getRequestAttributesList(), "request_attributes", report);
        attributes(p.getResponseAttributesList(), "response_attributes", report);
      });

  /**
   * llm-xds's rule: ext_proc's gRPC initial metadata (the filter's {@code grpc_service.initial_metadata}, a route's
   * {@code ExtProcPerRoute} {@code grpc_initial_metadata} and {@code grpc_service}) goes through a
   * {@code Router::HeaderParser} (source/common/grpc/async_client_impl.cc:58-61), so each key must be modifiable and
   * each value is a format string ({@code %} starts a command; {@code %%} is a {@code %}). But Envoy builds that
   * client only when a request opens the ext_proc stream, and throws its error there, on a worker thread
   * ({@code THROW_IF_NOT_OK_REF}): not a NACK at load, a failure of every such request.
   */
  static final Each<HeaderValue> METADATA_PARSES = Each.own(
      "source/extensions/filters/common/ext_proc/grpc_client_impl.h:227-229",
      "builds this only when a request opens the ext_proc stream, and throws there, on a worker thread",
      ExtProcRules::initialMetadata, (header, report) -> {
        if (!HeaderRules.modifiable(header.getKey())) {
          report.at(Where.root().field("key"), ":-prefixed or host headers may not be modified");
        }
        SubstitutionFormat.Parsed value =
            SubstitutionFormat.parse(header.getValue().replace("%PER_REQUEST_STATE(", "%FILTER_STATE("));
        if (!value.ok()) {
          report.at(Where.root().field("value"), value.error());
        }
      });

  private static Each<ExternalProcessor> check(String citation, Function<ExternalProcessor, String> reason) {
    return Each.rejects(citation, ExtProcRules::configs, Each.reason(reason));
  }

  private static List<Located<ExternalProcessor>> configs(LoadedConfig config) {
    return config.filterConfigs(ExternalProcessor.class);
  }

  /** Every gRPC initial metadata entry of ext_proc: filters' and per-route configs'. */
  private static List<Located<HeaderValue>> initialMetadata(LoadedConfig config) {
    return config.memo(HeaderValue.class, () -> {
      List<Located<HeaderValue>> all = new ArrayList<>();
      for (Located<ExternalProcessor> at : configs(config)) {
        addAll(all, at.resource(), at.where().field("grpc_service"), "initial_metadata",
            at.item().getGrpcService().getInitialMetadataList());
      }
      for (Located<LoadedConfig.PerFilterConfig> entry : config.perFilterConfigs()) {
        config.unpack(entry.item().config(), ExtProcPerRoute.class).ifPresent(perRoute -> {
          Where overrides = entry.where().unpacked(ExtProcPerRoute.getDescriptor()).field("overrides");
          addAll(all, entry.resource(), overrides, "grpc_initial_metadata",
              perRoute.getOverrides().getGrpcInitialMetadataList());
          addAll(all, entry.resource(), overrides.field("grpc_service"), "initial_metadata",
              perRoute.getOverrides().getGrpcService().getInitialMetadataList());
        });
      }
      return all;
    });
  }

  private static void addAll(List<Located<HeaderValue>> all, com.google.protobuf.Message resource, Where owner,
      String field, List<HeaderValue> headers) {
    for (int i = 0; i < headers.size(); i++) {
      all.add(new Located<>(resource, owner.item(field, i), headers.get(i)));
    }
  }

  private static boolean sendsBodyOrTrailers(ProcessingMode mode) {
    return mode.getRequestBodyMode() != ProcessingMode.BodySendMode.NONE
        || mode.getResponseBodyMode() != ProcessingMode.BodySendMode.NONE
        || mode.getRequestTrailerMode() == ProcessingMode.HeaderSendMode.SEND
        || mode.getResponseTrailerMode() == ProcessingMode.HeaderSendMode.SEND;
  }

  private static void attributes(List<String> attributes, String field, Each.Report report) {
    for (int i = 0; i < attributes.size(); i++) {
      String unknown = unknown(attributes.get(i).strip());
      if (unknown != null) {
        report.at(Where.root().item(field, i),
            "'" + attributes.get(i) + "' names no attribute of Envoy's CEL context (" + unknown + ")");
      }
    }
  }

  /** The TLS attributes of {@code connection} and {@code upstream} (context.cc:43-104). */
  private static final Set<String> TLS = Set.of("tls_version", "subject_local_certificate",
      "subject_peer_certificate", "uri_san_local_certificate", "uri_san_peer_certificate",
      "dns_san_local_certificate", "dns_san_peer_certificate", "sha256_peer_certificate_digest");

  /**
   * The activation's top-level names (source/extensions/filters/common/expr/evaluator.cc:20-22) and, for the maps
   * among them, their keys (context.cc:108-515, the lookup tables; source/destination: context.cc:589-615).
   * {@code metadata}, {@code filter_state} and {@code upstream_filter_state} take any key.
   */
  private static final Map<String, Set<String>> ATTRIBUTES = Map.of(
      "request", Set.of("headers", "time", "size", "total_size", "duration", "protocol", "path", "url_path", "host",
          "scheme", "method", "referer", "id", "useragent", "query"),
      "response", Set.of("code", "size", "headers", "trailers", "flags", "grpc_status", "total_size",
          "code_details", "backend_latency"),
      "connection", union(Set.of("mtls", "requested_server_name", "id", "termination_details",
          "transport_failure_reason"), TLS),
      "upstream", union(Set.of("address", "port", "local_address", "locality", "transport_failure_reason",
          "cx_pool_ready_duration", "request_attempt_count"), TLS),
      "source", Set.of("address", "port"),
      "destination", Set.of("address", "port"),
      "xds", Set.of("node", "cluster_name", "cluster_metadata", "route_name", "route_metadata",
          "virtual_host_name", "virtual_host_metadata", "upstream_host_metadata", "filter_chain_name",
          "listener_metadata", "listener_direction"),
      "metadata", Set.of(),
      "filter_state", Set.of(),
      "upstream_filter_state", Set.of());

  /** What is unknown in an attribute path, or null when it is known or not a path llm-xds judges. */
  static String unknown(String expression) {
    int end = identifierEnd(expression, 0);
    if (end == 0 || (end < expression.length() && expression.charAt(end) == '(')) {
      return null; // not an identifier first, or a function call
    }
    String root = expression.substring(0, end);
    if (root.equals("true") || root.equals("false") || root.equals("null")) {
      return null;
    }
    Set<String> keys = ATTRIBUTES.get(root);
    if (keys == null) {
      return "no attribute '" + root + "'";
    }
    if (keys.isEmpty() || end == expression.length() || expression.charAt(end) != '.') {
      return null;
    }
    String key = expression.substring(end + 1, identifierEnd(expression, end + 1));
    return key.isEmpty() || keys.contains(key) ? null : "'" + root + "' has no '" + key + "'";
  }

  private static int identifierEnd(String text, int from) {
    int i = from;
    while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')
        && (i > from || !Character.isDigit(text.charAt(i)))) {
      i++;
    }
    return i;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }
}
