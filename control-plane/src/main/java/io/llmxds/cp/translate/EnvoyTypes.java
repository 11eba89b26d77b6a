package io.llmxds.cp.translate;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.TypeRegistry;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.clusters.aggregate.v3.ClusterConfig;
import io.envoyproxy.envoy.extensions.filters.http.credential_injector.v3.CredentialInjector;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimitPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.http.upstream_codec.v3.UpstreamCodec;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.http.early_header_mutation.header_mutation.v3.HeaderMutation;
import io.envoyproxy.envoy.extensions.http.injected_credentials.generic.v3.Generic;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every message type the translation packs into an {@code Any}, so that renderers and checkers can unpack them. */
public final class EnvoyTypes {

  private static final List<Message> PACKED = List.of(
      HttpConnectionManager.getDefaultInstance(),
      ExternalProcessor.getDefaultInstance(),
      ExtAuthz.getDefaultInstance(),
      HeaderMutation.getDefaultInstance(),
      ExtProcPerRoute.getDefaultInstance(),
      LocalRateLimit.getDefaultInstance(),
      io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit.getDefaultInstance(),
      RateLimitPerRoute.getDefaultInstance(),
      Router.getDefaultInstance(),
      UpstreamTlsContext.getDefaultInstance(),
      HttpProtocolOptions.getDefaultInstance(),
      CredentialInjector.getDefaultInstance(),
      Generic.getDefaultInstance(),
      UpstreamCodec.getDefaultInstance(),
      ClusterConfig.getDefaultInstance(),
      PreviousHostsPredicate.getDefaultInstance(),
      PreviousPrioritiesConfig.getDefaultInstance());

  private static final Map<String, Message> BY_TYPE_URL = byTypeUrl(PACKED);

  /** The resource types xDS responses carry (each in an {@code Any}); never packed inside a resource. */
  private static final Map<String, Message> RESOURCES = byTypeUrl(List.of(
      Cluster.getDefaultInstance(),
      ClusterLoadAssignment.getDefaultInstance(),
      Listener.getDefaultInstance(),
      RouteConfiguration.getDefaultInstance(),
      Secret.getDefaultInstance()));

  private static final List<Descriptor> PACKED_TYPES =
      PACKED.stream().map(Message::getDescriptorForType).toList();

  public static final TypeRegistry REGISTRY =
      TypeRegistry.newBuilder().add(PACKED_TYPES).build();

  private EnvoyTypes() {}

  /** The types an {@code Any} of the translation may hold. */
  public static List<Descriptor> packedTypes() {
    return PACKED_TYPES;
  }

  /** The type of the message inside {@code any} without parsing it, or empty if the translation never packs it. */
  public static Optional<Descriptor> packedType(Any any) {
    return Optional.ofNullable(BY_TYPE_URL.get(any.getTypeUrl())).map(Message::getDescriptorForType);
  }

  /** The message inside {@code any}, or empty if its type is not one the translation produces. */
  public static Optional<Message> unpack(Any any) {
    return parse(BY_TYPE_URL, any);
  }

  /** The resource inside one {@code Any} of a {@code DiscoveryResponse}, or empty if it is not an xDS resource. */
  public static Optional<Message> unpackResource(Any any) {
    return parse(RESOURCES, any);
  }

  private static Optional<Message> parse(Map<String, Message> types, Any any) {
    Message prototype = types.get(any.getTypeUrl());
    if (prototype == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(prototype.getParserForType().parseFrom(any.getValue()));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("cannot unpack " + any.getTypeUrl(), e);
    }
  }

  private static Map<String, Message> byTypeUrl(List<Message> prototypes) {
    return prototypes.stream().collect(Collectors.toUnmodifiableMap(m -> typeUrl(m), Function.identity()));
  }

  private static String typeUrl(Message message) {
    return "type.googleapis.com/" + message.getDescriptorForType().getFullName();
  }
}
