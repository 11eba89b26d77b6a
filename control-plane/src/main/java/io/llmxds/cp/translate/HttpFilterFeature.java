package io.llmxds.cp.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.llmxds.cp.policy.ModelRoute;
import io.llmxds.cp.policy.PolicyBundle;
import java.util.List;
import java.util.Optional;

/**
 * One HTTP filter of the gateway and everything it needs: its entry in the HttpConnectionManager, its per-route
 * {@code typed_per_filter_config}, and any resources it depends on. {@link HttpFilters#ORDERED} is the one place
 * that fixes the filter order.
 */
interface HttpFilterFeature {

  /** The filter name, also the key of its per-route config. */
  String name();

  /** Whether the gateway has the filter at all (most always do). */
  default boolean present(PolicyBundle bundle) {
    return true;
  }

  HttpFilter hcmFilter(PolicyBundle bundle);

  /** The filter's config for the routes of one model route, if it needs one; {@code index} is the bundle's. */
  default Optional<Any> modelRouteConfig(BundleIndex index, ModelRoute route) {
    return Optional.empty();
  }

  /** Clusters and endpoints the filter itself calls (none by default). */
  default EnvoyResources resources(PolicyBundle bundle) {
    return EnvoyResources.empty();
  }
}
