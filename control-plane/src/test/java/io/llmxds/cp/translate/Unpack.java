package io.llmxds.cp.translate;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.util.List;

/** Test access to packed configs and to routes by name. */
final class Unpack {

  private Unpack() {}

  static <T extends Message> T any(Any any, Class<T> type) {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  static HttpConnectionManager hcm(Listener listener) {
    return any(listener.getFilterChains(0).getFilters(0).getTypedConfig(), HttpConnectionManager.class);
  }

  static List<Route> routes(RouteConfiguration config) {
    return config.getVirtualHosts(0).getRoutesList();
  }

  static Route route(RouteConfiguration config, String name) {
    return routes(config).stream().filter(r -> r.getName().equals(name)).findFirst().orElseThrow();
  }

  static <T extends Message> T perFilter(Route route, String filter, Class<T> type) {
    return any(route.getTypedPerFilterConfigOrThrow(filter), type);
  }
}
