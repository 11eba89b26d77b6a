package io.llmxds.cp.verify.load;

import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** What Envoy checks when it builds a route configuration, its virtual hosts and routes (RDS). */
final class RouteRules {

  private static final String CONFIG = "source/common/router/config_impl.cc:";
  private static final long UINT32_MAX = 0xFFFF_FFFFL;
  private static final long DEFAULT_MAX_BODY = 4096;
  private static final Where WEIGHTED = Where.root().field("route").field("weighted_clusters");
  private static final Set<String> HOST_PREDICATES = Set.of(
      "envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate",
      "envoy.extensions.retry.host.omit_canary_hosts.v3.OmitCanaryHostsPredicate",
      "envoy.extensions.retry.host.omit_host_metadata.v3.OmitHostMetadataConfig");
  private static final Set<String> PRIORITIES =
      Set.of("envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig");
  private static final Set<String> RETRY_ON = Set.of("5xx", "gateway-error", "connect-failure",
      "envoy-ratelimited", "retriable-4xx", "refused-stream", "retriable-status-codes", "retriable-headers", "reset",
      "reset-before-request", "http3-post-connect-failure", "cancelled", "deadline-exceeded", "resource-exhausted",
      "unavailable", "internal");

  private RouteRules() {}

  /**
   * {@code RouteMatcher}: within a route configuration one virtual host at most has the domain {@code *}, and no
   * (lower-cased) domain appears twice.
   */
  static final Each<RouteConfiguration> DOMAINS = Each.rejects(CONFIG + "2218-2246", LoadedConfig::routeConfigs,
      (routes, report) -> {
        Set<String> seen = new HashSet<>();
        for (int v = 0; v < routes.getVirtualHostsCount(); v++) {
          for (int d = 0; d < routes.getVirtualHosts(v).getDomainsCount(); d++) {
            String domain = routes.getVirtualHosts(v).getDomains(d).toLowerCase(Locale.ROOT);
            if (!seen.add(domain)) {
              report.at(Where.root().item("virtual_hosts", v).item("domains", d), domain.equals("*")
                  ? "Only a single wildcard domain is permitted in route " + routes.getName()
                  : "Only unique values for domains are permitted. Duplicate entry of domain " + domain
                      + " in route " + routes.getName());
            }
          }
        }
      });

  /**
   * {@code RouteEntryImplBase}: a route's weighted clusters' weights add up to more than 0. (With
   * {@code runtime_key_prefix} Envoy sums the runtime's weights; llm-xds, the configured ones.)
   */
  static final Each<Route> WEIGHTS_NOT_ZERO = Each.rejects(CONFIG + "709-714", LoadedConfig::routes,
      Each.reasonAt(WEIGHTED, route -> route.getRoute().hasWeightedClusters() && totalWeight(route) == 0
          ? "Sum of weights in the weighted_cluster must be greater than 0." : null));

  /** ... and to no more than a uint32 holds. */
  static final Each<Route> WEIGHTS_FIT = Each.rejects(CONFIG + "700-706", LoadedConfig::routes,
      Each.reasonAt(WEIGHTED, route -> totalWeight(route) > UINT32_MAX ? "The sum of weights of all weighted "
          + "clusters of route " + route.getName() + " exceeds " + UINT32_MAX : null));

  /** {@code validateWeightedClusterSpecifier}: exactly one of {@code name} and {@code cluster_header}. */
  static final Each<Route> WEIGHTED_CLUSTER_SPECIFIER = Each.rejects(CONFIG + "163-172", LoadedConfig::routes,
      (route, report) -> {
        List<WeightedCluster.ClusterWeight> weights = route.getRoute().getWeightedClusters().getClustersList();
        for (int c = 0; c < weights.size(); c++) {
          boolean name = !weights.get(c).getName().isEmpty();
          if (name == !weights.get(c).getClusterHeader().isEmpty()) {
            report.at(WEIGHTED.item("clusters", c), name ? "Only one of name or cluster_header can be specified"
                : "At least one of name or cluster_header need to be specified");
          }
        }
      });

  /** {@code RouteEntryImplBase}: a route rewrites its path one way at most. */
  static final Each<Route> ONE_PATH_REWRITE = Each.rejects(CONFIG + "793-810", LoadedConfig::routes,
      Each.reasonAt(Where.root().field("route"), route -> {
        RouteAction action = route.getRoute();
        int rewrites = (action.getPrefixRewrite().isEmpty() ? 0 : 1) + (action.hasRegexRewrite() ? 1 : 0)
            + (action.hasPathRewritePolicy() ? 1 : 0);
        return rewrites > 1 ? "Specify only one of prefix_rewrite, regex_rewrite or path_rewrite_policy" : null;
      }));

  /**
   * {@code DataSourceProvider::create}: an inline direct-response body is no longer than the route configuration's
   * {@code max_direct_response_body_size_bytes}, 4096 by default (config_impl.cc:123, 638-645, 2350-2352). A file
   * is read on Envoy's host and not checked here.
   */
  static final Each<DirectBody> DIRECT_RESPONSE_BODY_SIZE = Each.rejects("source/common/config/datasource.cc:121-128",
      RouteRules::directBodies, Each.reasonAt(Where.root().field("direct_response").field("body"), direct -> {
        DataSource body = direct.body();
        long size = switch (body.getSpecifierCase()) {
          case INLINE_STRING -> body.getInlineString().getBytes(StandardCharsets.UTF_8).length;
          case INLINE_BYTES -> body.getInlineBytes().size();
          default -> 0;
        };
        return direct.max() > 0 && size > direct.max()
            ? "response body size is " + size + " bytes; maximum is " + direct.max() : null;
      }));

  /**
   * {@code RetryPolicyImpl}: each retry host predicate, and the retry priority when it has a name, is found by the
   * type of its {@code typed_config} ({@code getAndCheckFactory}: one with only a name has the type URL ''). At
   * v1.34.0: previous_hosts, omit_canary_hosts, omit_host_metadata; previous_priorities.
   */
  static final Each<RetryPolicy> RETRY_EXTENSIONS_REGISTERED = Each.rejects(CONFIG + "292-307",
      LoadedConfig::retryPolicies, (policy, report) -> {
        for (int i = 0; i < policy.getRetryHostPredicateCount(); i++) {
          RetryPolicy.RetryHostPredicate predicate = policy.getRetryHostPredicate(i);
          registered(Where.root().item("retry_host_predicate", i), predicate.getName(),
              LoadedConfig.typeName(predicate.getTypedConfig()), HOST_PREDICATES, report);
        }
        if (!policy.getRetryPriority().getName().isEmpty()) {
          registered(Where.root().field("retry_priority"), policy.getRetryPriority().getName(),
              LoadedConfig.typeName(policy.getRetryPriority().getTypedConfig()), PRIORITIES, report);
        }
      });

  /**
   * llm-xds's rule: a {@code retry_on} condition Envoy does not know is dropped: {@code RetryPolicyImpl} keeps the
   * bits of {@code parseRetryOn} / {@code parseRetryGrpcOn} and ignores their "all valid" flag
   * (config_impl.cc:289-290). The HTTP conditions are lines 194-215, the gRPC ones 228-237.
   */
  static final Each<RetryPolicy> RETRY_ON_KNOWN = Each.ignored("source/common/router/retry_state_impl.cc:190-244",
      LoadedConfig::retryPolicies, (policy, report) -> {
        // StringUtil::splitToken(retry_on, ",", keep_empty_string=false, trim_whitespace=true)
        for (String condition : policy.getRetryOn().split(",")) {
          String trimmed = condition.strip();
          if (!trimmed.isEmpty() && !RETRY_ON.contains(trimmed)) {
            report.at(Where.root().field("retry_on"), "unknown retry_on condition '" + trimmed + "'");
          }
        }
      });

  private static void registered(Where at, String name, String type, Set<String> registered, Each.Report report) {
    if (!registered.contains(type) && (type.isEmpty() || FilterFactories.judges(type))) {
      report.at(at.field("typed_config"),
          "Didn't find a registered implementation for '" + name + "' with type URL: '" + type + "'");
    }
  }

  private static long totalWeight(Route route) {
    long total = 0;
    for (WeightedCluster.ClusterWeight weight : route.getRoute().getWeightedClusters().getClustersList()) {
      total += Integer.toUnsignedLong(weight.getWeight().getValue());
    }
    return total;
  }

  /** A route's direct-response body, and its route configuration's limit. */
  record DirectBody(DataSource body, long max) {}

  private static List<Located<DirectBody>> directBodies(LoadedConfig config) {
    return config.routes().stream()
        .filter(at -> at.item().hasDirectResponse() && at.item().getDirectResponse().hasBody())
        .map(at -> {
          RouteConfiguration routes = (RouteConfiguration) at.resource();
          long max = routes.hasMaxDirectResponseBodySizeBytes()
              ? Integer.toUnsignedLong(routes.getMaxDirectResponseBodySizeBytes().getValue()) : DEFAULT_MAX_BODY;
          return new Located<>(routes, at.where(), new DirectBody(at.item().getDirectResponse().getBody(), max));
        })
        .toList();
  }
}
