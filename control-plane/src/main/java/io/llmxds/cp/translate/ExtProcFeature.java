package io.llmxds.cp.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.MetadataOptions;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.HeaderSendMode;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.llmxds.common.ContextPolicyMetadata;
import io.llmxds.cp.policy.Gateway;
import io.llmxds.cp.policy.PolicyBundle;
import java.time.Duration;
import java.util.List;

/**
 * The ext_proc context service: it sees whole request bodies (to read the model and inject history) and whole
 * responses (to store the answer); it switches SSE responses to STREAMED itself, hence {@code allow_mode_override}.
 * Routes carry no per-route config for it: the service reads the model → context policy table from its own xDS
 * flavor (docs/data-path-config.md), so a request gets its model's policy whichever route Envoy matched first
 * (the first match fixes the ext_proc stream, docs/envoy-semantics.md).
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
        // Envoy drops dynamic metadata from the processor unless its namespace is listed (X18): token usage for
        // token-based rate limits and access logs, and the client's request for the upstream phase of every try.
        .setMetadataOptions(MetadataOptions.newBuilder()
            .setReceivingNamespaces(MetadataOptions.MetadataNamespaces.newBuilder()
                .addUntyped(ContextPolicyMetadata.USAGE_NAMESPACE)
                .addUntyped(ContextPolicyMetadata.CLIENT_NAMESPACE)))
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
  public EnvoyResources resources(PolicyBundle bundle) {
    Gateway.ExtProcService service = bundle.gateway().extProc();
    Gateway.SocketAddress address = service.address();
    String name = Names.CONTEXT_SERVICE_CLUSTER;
    Cluster.Builder cluster =
        ClusterTranslator.upstreamCluster(name, address.host(), address.port(), CONTEXT_SERVICE_CONNECT_TIMEOUT)
            .putAllTypedExtensionProtocolOptions(UpstreamProtocolOptions.http2());
    service.tls().ifPresent(tls -> cluster.setTransportSocket(UpstreamTls.forContextService(tls)));
    return new EnvoyResources(
        List.of(cluster.build()),
        EndpointTranslator.edsAssignment(name, address.host(), address.port()).stream().toList(),
        List.of(),
        List.of(),
        List.of());
  }
}
