package io.llmxds.cp.translate;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.llmxds.cp.policy.Gateway;
import io.llmxds.cp.policy.PolicyBundle;
import java.util.List;

/** LDS: the gateway's one listener, an HttpConnectionManager whose routes come over RDS. */
final class ListenerTranslator {

  /** Envoy's bounds of {@code initial_stream_window_size}. */
  private static final long MIN_H2_WINDOW = 65_535;
  private static final long MAX_H2_WINDOW = 2_147_483_647;

  private ListenerTranslator() {}

  static Listener translate(PolicyBundle bundle, List<HttpFilterFeature> features) {
    Gateway gateway = bundle.gateway();
    HttpConnectionManager.Builder hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix(gateway.name())
        .setCodecType(HttpConnectionManager.CodecType.AUTO)
        .setRds(Rds.newBuilder().setConfigSource(ProtoValues.ads()).setRouteConfigName(gateway.name()))
        // The gateway is the edge: the client's address is the peer's, not an X-Forwarded-For value.
        .setUseRemoteAddress(BoolValue.of(true))
        .setRequestTimeout(ProtoValues.duration(gateway.requestTimeout()))
        .setStreamIdleTimeout(ProtoValues.duration(gateway.streamIdleTimeout()))
        // An HTTP/2 client's stream buffers up to its window, 256 MiB by default, not the listener's limit
        // (docs/envoy-semantics.md): bound it by the Gateway's request buffer too.
        .setHttp2ProtocolOptions(Http2ProtocolOptions.newBuilder()
            .setInitialStreamWindowSize(UInt32Value.of((int) Math.max(MIN_H2_WINDOW,
                Math.min(gateway.requestBufferLimitBytes(), MAX_H2_WINDOW)))))
        .setTracing(RequestTraceTags.hcmTracing())
        .setLocalReplyConfig(LocalReplies.config(bundle))
        .addEarlyHeaderMutationExtensions(ReservedHeaders.earlyRemoval());
    features.stream().filter(f -> f.present(bundle)).forEach(f -> hcm.addHttpFilters(f.hcmFilter(bundle)));
    return Listener.newBuilder()
        .setName(gateway.name())
        .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
            .setAddress(gateway.listener().host())
            .setPortValue(gateway.listener().port())))
        // LLM prompts are far larger than Envoy's 1 MiB default, and ext_proc buffers whole bodies.
        .setPerConnectionBufferLimitBytes(UInt32Value.of(ProtoValues.uint32(gateway.requestBufferLimitBytes())))
        .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
            .setName(Names.HTTP_CONNECTION_MANAGER)
            .setTypedConfig(Any.pack(hcm.build()))))
        .build();
  }
}
