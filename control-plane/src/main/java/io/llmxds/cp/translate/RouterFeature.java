package io.llmxds.cp.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.llmxds.cp.policy.PolicyBundle;

/** The terminal filter that forwards to the route's cluster (or sends its direct response). */
final class RouterFeature implements HttpFilterFeature {

  @Override
  public String name() {
    return Names.ROUTER_FILTER;
  }

  @Override
  public HttpFilter hcmFilter(PolicyBundle bundle) {
    return HttpFilter.newBuilder().setName(name()).setTypedConfig(Any.pack(Router.getDefaultInstance())).build();
  }
}
