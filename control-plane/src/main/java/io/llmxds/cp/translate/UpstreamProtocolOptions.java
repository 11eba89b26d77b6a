package io.llmxds.cp.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.extensions.filters.http.credential_injector.v3.CredentialInjector;
import io.envoyproxy.envoy.extensions.filters.http.upstream_codec.v3.UpstreamCodec;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.http.injected_credentials.generic.v3.Generic;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.llmxds.cp.policy.Provider;
import java.util.Map;

/**
 * The {@code typed_extension_protocol_options} of upstream clusters: the HTTP version, and for providers with
 * credentials an upstream filter chain that injects the API key from SDS. The key is injected upstream (not by a
 * route-level header) so that it never passes through the ext_proc service and follows the cluster a retry picks.
 */
final class UpstreamProtocolOptions {

  private UpstreamProtocolOptions() {}

  /** HTTP/1.1 plus the credential injector; empty for providers without credentials (Envoy's defaults apply). */
  static Map<String, Any> forProvider(Provider provider) {
    return provider.credentials()
        .map(c -> Map.of(Names.UPSTREAM_HTTP_PROTOCOL_OPTIONS, Any.pack(credentialChain(provider.name(), c))))
        .orElse(Map.of());
  }

  /** The context service speaks gRPC: HTTP/2 only. */
  static Map<String, Any> http2() {
    HttpProtocolOptions options = HttpProtocolOptions.newBuilder()
        .setExplicitHttpConfig(HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
            .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()))
        .build();
    return Map.of(Names.UPSTREAM_HTTP_PROTOCOL_OPTIONS, Any.pack(options));
  }

  private static HttpProtocolOptions credentialChain(String provider, Provider.Credentials credentials) {
    Generic generic = Generic.newBuilder()
        .setCredential(SdsSecretConfig.newBuilder()
            .setName(Names.credentialSecret(provider))
            .setSdsConfig(ProtoValues.ads()))
        .setHeader(credentials.header())
        .build();
    CredentialInjector injector = CredentialInjector.newBuilder()
        .setCredential(ProtoValues.extension(Names.GENERIC_CREDENTIAL, generic))
        // A client-sent credential must never reach the provider in place of ours.
        .setOverwrite(true)
        .build();
    return HttpProtocolOptions.newBuilder()
        .setExplicitHttpConfig(HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
            .setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance()))
        .addHttpFilters(HttpFilter.newBuilder()
            .setName(Names.CREDENTIAL_INJECTOR_FILTER)
            .setTypedConfig(Any.pack(injector)))
        .addHttpFilters(HttpFilter.newBuilder()
            .setName(Names.UPSTREAM_CODEC_FILTER)
            .setTypedConfig(Any.pack(UpstreamCodec.getDefaultInstance())))
        .build();
  }
}
