package io.llmxds.cp.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.extensions.filters.http.credential_injector.v3.CredentialInjector;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.HeaderSendMode;
import io.envoyproxy.envoy.extensions.filters.http.upstream_codec.v3.UpstreamCodec;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.http.injected_credentials.generic.v3.Generic;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.llmxds.common.ContextPolicyMetadata;
import io.llmxds.cp.policy.Gateway;
import io.llmxds.cp.policy.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code typed_extension_protocol_options} of upstream clusters: the HTTP version and the upstream filter chain,
 * which runs after Envoy has chosen the cluster (and again for each retry):
 * <ol>
 *   <li>ext_proc, the upstream phase (docs/llm-apis.md "Translation"): for the provider of the host Envoy chose
 *       for this try, the context service sets the path, the body's {@code model} (as the route's metadata maps
 *       it) and the API's headers, and translates the request and its answer when the client speaks another API.
 *       It must run upstream: the downstream ext_proc call has finished before the router picks the backend, and
 *       only an upstream filter runs once per try, after the host is chosen.</li>
 *   <li>the credential injector, for providers with credentials: the API key comes from SDS, never passes through
 *       the ext_proc service, and follows the cluster a retry picks.</li>
 *   <li>the upstream codec (Envoy requires it last).</li>
 * </ol>
 */
final class UpstreamProtocolOptions {

  private UpstreamProtocolOptions() {}

  /** The options of a cluster a route picks that sends to {@code provider} (for a chain: its head's credential). */
  static Map<String, Any> forProvider(Gateway gateway, Provider provider) {
    List<HttpFilter> filters = new ArrayList<>();
    filters.add(filter(Names.UPSTREAM_MODEL_FILTER, upstreamPhase(gateway.extProc())));
    provider.credentials().ifPresent(c -> filters.add(filter(Names.CREDENTIAL_INJECTOR_FILTER,
        credentialInjector(provider.name(), c))));
    filters.add(filter(Names.UPSTREAM_CODEC_FILTER, UpstreamCodec.getDefaultInstance()));
    HttpProtocolOptions options = HttpProtocolOptions.newBuilder()
        .setExplicitHttpConfig(HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
            .setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance()))
        .addAllHttpFilters(filters)
        .build();
    return Map.of(Names.UPSTREAM_HTTP_PROTOCOL_OPTIONS, Any.pack(options));
  }

  /** The context service speaks gRPC: HTTP/2 only. */
  static Map<String, Any> http2() {
    HttpProtocolOptions options = HttpProtocolOptions.newBuilder()
        .setExplicitHttpConfig(HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
            .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()))
        .build();
    return Map.of(Names.UPSTREAM_HTTP_PROTOCOL_OPTIONS, Any.pack(options));
  }

  /**
   * The request headers, with request attributes Envoy evaluates for this try and sends with them (X19, U2): the
   * chosen host's provider, API and API root, the model the route sends it (absent when the route does not rename
   * it), and the client's path and body length as the downstream phase wrote them into the stream's dynamic metadata
   * (U5). The configured modes are those of a try that changes the body and its answer; at the headers the service
   * answers every other try with a {@code mode_override} that skips the body and the answer's body (X13), so only a
   * translated try pays for the body round trips; every try's answer headers come back, to name the try (G1). The filter has a name of its own: Envoy looks up per-route configs by
   * filter name, and the route's config for the downstream ext_proc must not be merged into this one (U3).
   */
  private static ExternalProcessor upstreamPhase(Gateway.ExtProcService service) {
    ExternalProcessor.Builder processor = ExtProcFeature.contextService(service, ProcessingMode.newBuilder()
        .setRequestHeaderMode(HeaderSendMode.SEND)
        .setRequestBodyMode(BodySendMode.BUFFERED)
        .setResponseHeaderMode(HeaderSendMode.SEND)
        .setResponseBodyMode(BodySendMode.NONE)
        .setRequestTrailerMode(HeaderSendMode.SKIP)
        .setResponseTrailerMode(HeaderSendMode.SKIP))
        .setAllowModeOverride(true)
        .addRequestAttributes(ContextPolicyMetadata.UPSTREAM_PROVIDER_ATTRIBUTE)
        .addRequestAttributes(ContextPolicyMetadata.UPSTREAM_MODEL_ATTRIBUTE)
        .addRequestAttributes(ContextPolicyMetadata.UPSTREAM_API_ATTRIBUTE)
        .addRequestAttributes(ContextPolicyMetadata.UPSTREAM_API_ROOT_ATTRIBUTE)
        .addRequestAttributes(ContextPolicyMetadata.CLIENT_PATH_ATTRIBUTE)
        .addRequestAttributes(ContextPolicyMetadata.CLIENT_BODY_BYTES_ATTRIBUTE);
    processor.getGrpcServiceBuilder()
        .addInitialMetadata(ProtoValues.header(ContextPolicyMetadata.PHASE, ContextPolicyMetadata.PHASE_UPSTREAM));
    return processor.build();
  }

  private static CredentialInjector credentialInjector(String provider, Provider.Credentials credentials) {
    Generic generic = Generic.newBuilder()
        .setCredential(SdsSecretConfig.newBuilder()
            .setName(Names.credentialSecret(provider))
            .setSdsConfig(ProtoValues.ads()))
        .setHeader(credentials.header())
        .build();
    return CredentialInjector.newBuilder()
        .setCredential(ProtoValues.extension(Names.GENERIC_CREDENTIAL, generic))
        // A client-sent credential must never reach the provider in place of ours.
        .setOverwrite(true)
        .build();
  }

  private static HttpFilter filter(String name, com.google.protobuf.Message config) {
    return HttpFilter.newBuilder().setName(name).setTypedConfig(Any.pack(config)).build();
  }
}
