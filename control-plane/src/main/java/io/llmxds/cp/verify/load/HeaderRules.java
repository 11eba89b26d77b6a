package io.llmxds.cp.verify.load;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.LocalReplyConfig;
import io.envoyproxy.envoy.extensions.http.early_header_mutation.header_mutation.v3.HeaderMutation;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code Router::HeaderParser}, built at load time from every header list: {@code *_headers_to_add} and
 * {@code *_headers_to_remove} of route configurations, virtual hosts, routes and weighted clusters
 * (config_impl.cc:647-658, 1615-1626, 2378-2389), local reply mappers' {@code headers_to_add}
 * (local_reply.cc:98-100), the local rate limit's header lists (local_ratelimit.cc:53-58); and, through the same
 * {@code HeadersToAddEntry}, the appends of the HttpConnectionManager's early header mutations
 * (source/common/http/header_mutation.cc:83-88).
 */
final class HeaderRules {

  private static final String PARSER = "source/common/router/header_parser.cc:";

  private HeaderRules() {}

  /**
   * No header list may add a {@code :}-prefixed pseudo-header or {@code host} ({@code isModifiableHeader},
   * header_utility.cc:578-581): the route action's rewrites are the way to change them.
   */
  static final Each<HeaderValueOption> ADDED_MODIFIABLE = Each.rejects(PARSER + "37-39", HeaderRules::added,
      Each.reasonAt(Where.root().field("header").field("key"), option -> modifiable(option.getHeader().getKey())
          ? null : ":-prefixed or host headers may not be modified"));

  /** ... nor remove one ({@code isRemovableHeader}, header_utility.cc:573-576). */
  static final Each<String> REMOVED_MODIFIABLE = Each.rejects(PARSER + "126-132", HeaderRules::removed,
      Each.reason(header -> modifiable(header) ? null : ":-prefixed or host headers may not be removed"));

  /** {@code HeadersToAddEntry}: the deprecated {@code append} excludes a non-default {@code append_action}. */
  static final Each<HeaderValueOption> APPEND_AND_ACTION = Each.rejects(PARSER + "58-64", HeaderRules::added,
      Each.reason(option -> option.hasAppend()
          && option.getAppendAction() != HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD
          ? "Both append and append_action are set and it's not allowed" : null));

  static boolean modifiable(String header) {
    return (header.isEmpty() || header.charAt(0) != ':') && !header.equalsIgnoreCase("host");
  }

  /** Every header to add, in route configurations, local reply mappers and local rate limits. */
  static List<Located<HeaderValueOption>> added(LoadedConfig config) {
    return config.memo("headersToAdd", () -> {
      Lists lists = new Lists(config);
      List<Located<HeaderValueOption>> added = new ArrayList<>();
      lists.forEach((resource, owner, route) -> {
        addAll(added, resource, owner, "request_headers_to_add", route.request());
        addAll(added, resource, owner, "response_headers_to_add", route.response());
      });
      for (Located<HttpConnectionManager> hcm : config.hcms()) {
        LocalReplyConfig localReply = hcm.item().getLocalReplyConfig();
        for (int m = 0; m < localReply.getMappersCount(); m++) {
          addAll(added, hcm.resource(), hcm.where().field("local_reply_config").item("mappers", m),
              "headers_to_add", localReply.getMappers(m).getHeadersToAddList());
        }
      }
      for (Located<LocalRateLimitRules.Built> built : LocalRateLimitRules.built(config)) {
        LocalRateLimit limit = built.item().limit();
        addAll(added, built.resource(), built.where(), "response_headers_to_add", limit.getResponseHeadersToAddList());
        addAll(added, built.resource(), built.where(), "request_headers_to_add_when_not_enforced",
            limit.getRequestHeadersToAddWhenNotEnforcedList());
      }
      // The ratelimit filter parses its response_headers_to_add with the same HeaderParser (ratelimit.h:74-77).
      for (Located<io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit> filter : config.filterConfigs(
          io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit.class)) {
        addAll(added, filter.resource(), filter.where(), "response_headers_to_add",
            filter.item().getResponseHeadersToAddList());
      }
      for (Located<HeaderMutation> early : EarlyHeaderMutationRules.mutations(config)) {
        List<io.envoyproxy.envoy.config.common.mutation_rules.v3.HeaderMutation> mutations =
            early.item().getMutationsList();
        for (int i = 0; i < mutations.size(); i++) {
          if (mutations.get(i).hasAppend()) {
            added.add(new Located<>(early.resource(), early.where().item("mutations", i).field("append"),
                mutations.get(i).getAppend()));
          }
        }
      }
      return added;
    });
  }

  /** Every header to remove, in route configurations. */
  static List<Located<String>> removed(LoadedConfig config) {
    return config.memo("headersToRemove", () -> {
      List<Located<String>> removed = new ArrayList<>();
      new Lists(config).forEach((resource, owner, route) -> {
        addAll(removed, resource, owner, "request_headers_to_remove", route.requestRemoved());
        addAll(removed, resource, owner, "response_headers_to_remove", route.responseRemoved());
      });
      return removed;
    });
  }

  private static <T> void addAll(List<Located<T>> all, Message resource, Where owner, String field, List<T> items) {
    for (int i = 0; i < items.size(); i++) {
      all.add(new Located<>(resource, owner.item(field, i), items.get(i)));
    }
  }

  /** The four header lists of one part of a route configuration. */
  private record Headers(List<HeaderValueOption> request, List<HeaderValueOption> response,
      List<String> requestRemoved, List<String> responseRemoved) {}

  private interface Part {
    void at(Message resource, Where owner, Headers headers);
  }

  /** The parts of the route configurations with header lists: themselves, virtual hosts, routes, weighted clusters. */
  private record Lists(LoadedConfig config) {
    void forEach(Part part) {
      for (RouteConfiguration routes : config.resources().routes()) {
        part.at(routes, Where.root(), new Headers(routes.getRequestHeadersToAddList(),
            routes.getResponseHeadersToAddList(), routes.getRequestHeadersToRemoveList(),
            routes.getResponseHeadersToRemoveList()));
        for (int v = 0; v < routes.getVirtualHostsCount(); v++) {
          VirtualHost host = routes.getVirtualHosts(v);
          part.at(routes, Where.root().item("virtual_hosts", v), new Headers(host.getRequestHeadersToAddList(),
              host.getResponseHeadersToAddList(), host.getRequestHeadersToRemoveList(),
              host.getResponseHeadersToRemoveList()));
        }
      }
      for (Located<Route> at : config.routes()) {
        Route route = at.item();
        part.at(at.resource(), at.where(), new Headers(route.getRequestHeadersToAddList(),
            route.getResponseHeadersToAddList(), route.getRequestHeadersToRemoveList(),
            route.getResponseHeadersToRemoveList()));
        List<WeightedCluster.ClusterWeight> weights = route.getRoute().getWeightedClusters().getClustersList();
        for (int c = 0; c < weights.size(); c++) {
          WeightedCluster.ClusterWeight weight = weights.get(c);
          part.at(at.resource(), at.where().field("route").field("weighted_clusters").item("clusters", c),
              new Headers(weight.getRequestHeadersToAddList(), weight.getResponseHeadersToAddList(),
                  weight.getRequestHeadersToRemoveList(), weight.getResponseHeadersToRemoveList()));
        }
      }
    }
  }
}
