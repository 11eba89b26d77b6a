package io.llmxds.cp.verify.load;

import io.llmxds.cp.translate.EnvoyResources;
import io.llmxds.cp.verify.UnpackedAnys;
import java.util.List;

/**
 * The checks Envoy v1.34.0 makes in C++ when it builds a resource received over xDS (constructors and config
 * factories that fail, which Envoy turns into a NACK carrying their message), mirrored for every Envoy feature the
 * translation emits, plus a few rules of llm-xds's own against config Envoy would accept and silently ignore. The
 * second check of the verify stage, after {@code EnvoyRules} (the proto {@code validate.rules}). Each rule cites
 * the lines of Envoy's source it mirrors; the table is in docs/verification.md, "Envoy's load-time checks".
 */
public final class EnvoyLoadChecks {

  /** In the order Envoy meets them: clusters (CDS), listeners (LDS), then routes (RDS); findings keep this order. */
  static final List<LoadTimeRule> RULES = List.of(
      // CDS: TLS
      TlsRules.SAN_MATCHERS,
      TlsRules.CRL,
      TlsRules.ALLOW_EXPIRED,
      TlsRules.INLINE_CA_PARSES,
      TlsRules.SNI_WITHOUT_NUL,
      // CDS: cluster types, balancers, protocol options
      ClusterRules.AGGREGATE_NEEDS_CLUSTER_PROVIDED,
      ClusterRules.CLUSTER_PROVIDED_NEEDS_A_BALANCER,
      ClusterRules.LOGICAL_DNS_SINGLE_HOST,
      ClusterRules.LOGICAL_DNS_NO_RESOLVER,
      ClusterRules.EDS_CONFIG_REQUIRED,
      ClusterRules.EDS_CONFIG_ONLY_FOR_EDS,
      ClusterRules.HTTP_PROTOCOL_OPTIONS_TYPE,
      // filter chains: network, HTTP, upstream HTTP
      FilterChainRules.TYPE_REGISTERED,
      FilterChainRules.OPTIONAL_SKIPPED,
      FilterChainRules.CONFIG_TYPE_MATCHES,
      FilterChainRules.UPSTREAM_CODEC_LAST,
      FilterChainRules.TERMINAL_LAST,
      FilterChainRules.LAST_TERMINAL,
      FilterChainRules.LAST_ENABLED,
      // HTTP filters' factories
      ExtProcRules.ONE_SERVICE,
      ExtProcRules.ROUTE_CACHE,
      ExtProcRules.HTTP_SERVICE_HEADERS_ONLY,
      ExtProcRules.FULL_DUPLEX_REQUEST,
      ExtProcRules.FULL_DUPLEX_RESPONSE,
      ExtProcRules.ATTRIBUTES_KNOWN,
      ExtProcRules.METADATA_PARSES,
      ExtAuthzRules.TRANSPORT_VERSION,
      ExtAuthzRules.ALLOWED_HEADERS_ONCE,
      ExtAuthzRules.STATUS_ON_ERROR,
      CredentialRules.TYPE_REGISTERED,
      CredentialRules.FROM_SDS,
      LocalRateLimitRules.PER_ROUTE_BUCKET,
      LocalRateLimitRules.DEFAULT_FILL_INTERVAL,
      LocalRateLimitRules.DESCRIPTOR_FILL_INTERVAL,
      LocalRateLimitRules.DUPLICATE_DESCRIPTOR,
      RateLimitConfigRules.HITS_ADDEND,
      RateLimitConfigRules.STAGE_AND_DISABLE_KEY,
      RateLimitConfigRules.LIMIT,
      RateLimitConfigRules.ACTION_SUPPORTED,
      GlobalRateLimitRules.TRANSPORT_VERSION,
      // LDS: the listener, its HttpConnectionManager
      ListenerRules.ADDRESS_IS_IP,
      HcmRules.REMOTE_ADDRESS_WITHOUT_IP_DETECTION,
      HcmRules.CUSTOM_TAGS_UNIQUE,
      EarlyHeaderMutationRules.FACTORY,
      // RDS: route configurations, routes, per-route configs
      RouteRules.DOMAINS,
      RouteRules.WEIGHTS_NOT_ZERO,
      RouteRules.WEIGHTS_FIT,
      RouteRules.WEIGHTED_CLUSTER_SPECIFIER,
      RouteRules.ONE_PATH_REWRITE,
      RouteRules.DIRECT_RESPONSE_BODY_SIZE,
      RouteRules.RETRY_EXTENSIONS_REGISTERED,
      RouteRules.RETRY_ON_KNOWN,
      PerRouteRules.FILTER_REGISTERED,
      PerRouteRules.CONFIG_TYPE,
      PerRouteRules.SUPPORTED,
      PerRouteRules.READ,
      PerRouteRules.FOR_ITS_FILTER,
      GlobalRateLimitRules.ROUTE_HITS_ADDEND,
      // everywhere: header lists, format strings, regexes
      HeaderRules.ADDED_MODIFIABLE,
      HeaderRules.REMOVED_MODIFIABLE,
      HeaderRules.APPEND_AND_ACTION,
      FormatStrings.PARSE,
      RegexRules.COMPILES,
      RegexRules.PROGRAM_SIZE,
      // EDS
      ClusterRules.EDS_ADDRESS_IS_IP);

  private EnvoyLoadChecks() {}

  /** Every finding, one line each: {@code <Type> <name>: <path>: <reason> (Envoy v1.34.0 <file>:<lines>)}. */
  public static List<String> check(EnvoyResources resources) {
    return check(resources, new UnpackedAnys());
  }

  /** As {@link #check(EnvoyResources)}, sharing the unpacked {@code Any}s with the other checks of the stage. */
  public static List<String> check(EnvoyResources resources, UnpackedAnys anys) {
    LoadedConfig config = new LoadedConfig(resources, anys);
    LoadProblems problems = new LoadProblems();
    for (LoadTimeRule rule : RULES) {
      rule.check(config, problems);
    }
    return problems.lines();
  }
}
