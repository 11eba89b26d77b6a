package io.llmxds.cp.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExtProcOverrides;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.MetadataOptions;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.HeaderSendMode;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.llmxds.common.ContextPolicyMetadata;
import io.llmxds.cp.policy.ContextPolicy;
import io.llmxds.cp.policy.Gateway;
import io.llmxds.cp.policy.ModelRoute;
import io.llmxds.cp.policy.PolicyBundle;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The ext_proc context service: it sees whole request bodies (to read the model and inject history) and whole
 * responses (to store the answer); it switches SSE responses to STREAMED itself, hence {@code allow_mode_override}.
 * Each route tells it, through gRPC initial metadata, which context policy applies.
 */
final class ExtProcFeature implements HttpFilterFeature {

  private static final Duration CONTEXT_SERVICE_CONNECT_TIMEOUT = Duration.ofSeconds(2);

  @Override
  public String name() {
    return Names.EXT_PROC_FILTER;
  }

  @Override
  public HttpFilter hcmFilter(PolicyBundle bundle) {
    ExternalProcessor processor = contextService(bundle.gateway().extProc(), ProcessingMode.newBuilder()
            .setRequestHeaderMode(HeaderSendMode.SEND)
            .setRequestBodyMode(BodySendMode.BUFFERED)
            .setResponseHeaderMode(HeaderSendMode.SEND)
            .setResponseBodyMode(BodySendMode.BUFFERED)
            .setRequestTrailerMode(HeaderSendMode.SKIP)
            .setResponseTrailerMode(HeaderSendMode.SKIP))
        .setAllowModeOverride(true)
        // Envoy drops dynamic metadata from the processor unless its namespace is listed: token usage for
        // token-based rate limits and access logs.
        .setMetadataOptions(MetadataOptions.newBuilder()
            .setReceivingNamespaces(MetadataOptions.MetadataNamespaces.newBuilder()
                .addUntyped(ContextPolicyMetadata.USAGE_NAMESPACE)))
        .build();
    return HttpFilter.newBuilder().setName(name()).setTypedConfig(Any.pack(processor)).build();
  }

  /** An ext_proc filter that calls the context service with the Gateway's timeout and failure mode. */
  static ExternalProcessor.Builder contextService(Gateway.ExtProcService service, ProcessingMode.Builder mode) {
    return ExternalProcessor.newBuilder()
        .setGrpcService(GrpcService.newBuilder()
            .setEnvoyGrpc(GrpcService.EnvoyGrpc.newBuilder().setClusterName(Names.CONTEXT_SERVICE_CLUSTER)))
        .setFailureModeAllow(service.failOpen())
        .setProcessingMode(mode)
        .setMessageTimeout(ProtoValues.duration(service.messageTimeout()));
  }

  @Override
  public Optional<Any> modelRouteConfig(BundleIndex index, ModelRoute route) {
    PolicyBundle bundle = index.bundle();
    Optional<String> policy = route.contextPolicy().or(() -> bundle.gateway().contextPolicy());
    return Optional.of(perRoute(route.name(), policy.flatMap(bundle::contextPolicy)));
  }

  /**
   * Requests that do not send the model header match the catch-all route first, and that first match decides the
   * ext_proc stream: it must carry the Gateway's default context policy.
   */
  @Override
  public Optional<Any> unknownModelRouteConfig(PolicyBundle bundle) {
    Optional<ContextPolicy> policy = bundle.gateway().contextPolicy().flatMap(bundle::contextPolicy);
    return Optional.of(perRoute(Names.UNKNOWN_MODEL_ROUTE, policy));
  }

  @Override
  public EnvoyResources resources(PolicyBundle bundle) {
    Gateway.SocketAddress address = bundle.gateway().extProc().address();
    String name = Names.CONTEXT_SERVICE_CLUSTER;
    return new EnvoyResources(
        List.of(ClusterTranslator.upstreamCluster(name, address.host(), address.port(), CONTEXT_SERVICE_CONNECT_TIMEOUT)
            .putAllTypedExtensionProtocolOptions(UpstreamProtocolOptions.http2())
            .build()),
        EndpointTranslator.edsAssignment(name, address.host(), address.port()).stream().toList(),
        List.of(),
        List.of(),
        List.of());
  }

  private static Any perRoute(String route, Optional<ContextPolicy> policy) {
    return Any.pack(ExtProcPerRoute.newBuilder()
        .setOverrides(ExtProcOverrides.newBuilder()
            .addAllGrpcInitialMetadata(ContextPolicyHeaders.headers(route, policy)))
        .build());
  }
}
