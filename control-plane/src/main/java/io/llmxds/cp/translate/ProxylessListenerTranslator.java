package io.llmxds.cp.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.llmxds.cp.policy.ModelRoute;
import io.llmxds.cp.policy.PolicyBundle;
import java.util.List;

/**
 * LDS for gRPC clients: one api_listener per model route, named as clients dial it ({@code xds:///<modelRoute>}),
 * whose HttpConnectionManager takes its routes from RDS and has only the router filter.
 */
final class ProxylessListenerTranslator {

  private static final RouterFeature ROUTER = new RouterFeature();

  private ProxylessListenerTranslator() {}

  static List<Listener> translate(PolicyBundle bundle) {
    return bundle.modelRoutes().stream().map(route -> listener(bundle, route)).toList();
  }

  private static Listener listener(PolicyBundle bundle, ModelRoute route) {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix(route.name())
        .setRds(Rds.newBuilder()
            .setConfigSource(ProtoValues.ads())
            .setRouteConfigName(Names.proxylessRouteConfig(route.name())))
        .addHttpFilters(ROUTER.hcmFilter(bundle))
        .build();
    return Listener.newBuilder()
        .setName(route.name())
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm)))
        .build();
  }
}
