package io.llmxds.cp.verify.load;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.extensions.filters.http.credential_injector.v3.CredentialInjector;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimitPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.http.upstream_codec.v3.UpstreamCodec;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.llmxds.cp.translate.EnvoyTypes;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which filter factories Envoy v1.34.0 has registered, by config type, as far as the translation's filters go.
 * Envoy finds a filter's factory by the type of its {@code typed_config} alone: the runtime guard
 * {@code envoy.reloadable_features.no_extension_lookup_by_name} is on by default
 * (source/common/runtime/runtime_features.cc:74, source/common/config/utility.h:271-285), so the filter's
 * {@code name} only names it (and keys its per-route config). An HTTP filter factory is registered under its config
 * type and its per-route config type (envoy/server/filter_config.h:291-299).
 *
 * <p>Upstream HTTP filters ({@code UpstreamHttpFilterConfigFactory}) at v1.34.0: upstream_codec, ext_proc,
 * credential_injector, header_mutation, buffer, lua, wasm, composite, match_delegate, admission_control, aws_lambda,
 * aws_request_signing, dynamic_modules (their {@code REGISTER_FACTORY(..., UpstreamHttpFilterConfigFactory)} lines);
 * local_ratelimit and the router are downstream only.
 */
final class FilterFactories {

  /** The filter chains Envoy builds, each from its own factory registry. */
  enum Chain {
    /** A listener filter chain's {@code filters}: {@code NamedNetworkFilterConfigFactory}. */
    NETWORK("network"),
    /** An HttpConnectionManager's {@code http_filters}: {@code NamedHttpFilterConfigFactory}. */
    HTTP("http"),
    /** A cluster's upstream {@code http_filters}: {@code UpstreamHttpFilterConfigFactory}. */
    UPSTREAM_HTTP("upstream http");

    /** How Envoy's messages name the chain ({@code filter_chain_type}). */
    final String type;

    Chain(String type) {
      this.type = type;
    }
  }

  /**
   * One registered factory.
   *
   * @param routeConfigType the type {@code createEmptyRouteConfigProto} returns (registered too); null when llm-xds
   *     does not model the factory's per-route side (the filters the translation never emits)
   * @param perRoute whether {@code createRouteSpecificFilterConfig} returns a config (else Envoy rejects one)
   */
  record Factory(String name, String configType, String routeConfigType, boolean perRoute, Set<Chain> chains,
      boolean terminal) {

    boolean registers(Chain chain, String type) {
      return chains.contains(chain) && (type.equals(configType) || type.equals(routeConfigType));
    }

    /** Whether llm-xds models the whole factory, per-route side included. */
    boolean modelled() {
      return routeConfigType != null || chains.equals(Set.of(Chain.NETWORK));
    }
  }

  private static final Set<Chain> BOTH = Set.of(Chain.HTTP, Chain.UPSTREAM_HTTP);

  static final List<Factory> FACTORIES = List.of(
      new Factory("envoy.filters.network.http_connection_manager", name(HttpConnectionManager.getDescriptor()),
          null, false, Set.of(Chain.NETWORK), true),
      // DualFactoryBase<ExternalProcessor, ExtProcPerRoute> (ext_proc/config.h:15-18, config.cc:157-160)
      new Factory("envoy.filters.http.ext_proc", name(ExternalProcessor.getDescriptor()),
          name(ExtProcPerRoute.getDescriptor()), true, BOTH, false),
      // FactoryBase<ExtAuthz, ExtAuthzPerRoute>, downstream only (ext_authz/config.h:17-22, config.cc:76-77)
      new Factory("envoy.filters.http.ext_authz", name(ExtAuthz.getDescriptor()),
          name(ExtAuthzPerRoute.getDescriptor()), true, Set.of(Chain.HTTP), false),
      // FactoryBase<LocalRateLimit> with a per-route config of the same type (local_ratelimit/config.cc:26-31)
      new Factory("envoy.filters.http.local_ratelimit", name(LocalRateLimit.getDescriptor()),
          name(LocalRateLimit.getDescriptor()), true, Set.of(Chain.HTTP), false),
      // ExceptionFreeFactoryBase<RateLimit, RateLimitPerRoute>, downstream only (ratelimit/config.h:18-22, config.cc:45-59)
      new Factory("envoy.filters.http.ratelimit",
          name(io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit.getDescriptor()),
          name(RateLimitPerRoute.getDescriptor()), true, Set.of(Chain.HTTP), false),
      // ExceptionFreeFactoryBase<Router>, terminal (router/config.h:18-24), no per-route config
      new Factory("envoy.filters.http.router", name(Router.getDescriptor()), name(Router.getDescriptor()), false,
          Set.of(Chain.HTTP), true),
      // DualFactoryBase<CredentialInjector> (credential_injector/config.h:13-17, config.cc:48-51), no per-route
      new Factory("envoy.filters.http.credential_injector", name(CredentialInjector.getDescriptor()),
          name(CredentialInjector.getDescriptor()), false, BOTH, false),
      // upstream only, terminal (source/common/router/upstream_codec_filter.h:100-118, .cc:248-249)
      new Factory("envoy.filters.http.upstream_codec", name(UpstreamCodec.getDescriptor()),
          name(UpstreamCodec.getDescriptor()), false, Set.of(Chain.UPSTREAM_HTTP), true),
      // The other upstream HTTP filters (registered downstream too); the translation emits none of them.
      other("envoy.filters.http.header_mutation", "envoy.extensions.filters.http.header_mutation.v3.HeaderMutation"),
      other("envoy.filters.http.buffer", "envoy.extensions.filters.http.buffer.v3.Buffer"),
      other("envoy.filters.http.lua", "envoy.extensions.filters.http.lua.v3.Lua"),
      other("envoy.filters.http.wasm", "envoy.extensions.filters.http.wasm.v3.Wasm"),
      other("envoy.filters.http.composite", "envoy.extensions.filters.http.composite.v3.Composite"),
      other("envoy.filters.http.match_delegate", "envoy.extensions.common.matching.v3.ExtensionWithMatcher"),
      other("envoy.filters.http.admission_control",
          "envoy.extensions.filters.http.admission_control.v3.AdmissionControl"),
      other("envoy.filters.http.aws_lambda", "envoy.extensions.filters.http.aws_lambda.v3.Config"),
      other("envoy.filters.http.aws_request_signing",
          "envoy.extensions.filters.http.aws_request_signing.v3.AwsRequestSigning"),
      other("envoy.extensions.filters.http.dynamic_modules",
          "envoy.extensions.filters.http.dynamic_modules.v3.DynamicModuleFilter"));

  /**
   * The types llm-xds knows every registration of: those the translation can pack, and the other upstream filters'.
   * For any other type it cannot tell whether Envoy has a factory (EnvoyRules reports it as unknown anyway).
   */
  private static final Set<String> JUDGED = judged();

  private FilterFactories() {}

  /** The factory {@code chain} finds for a {@code typed_config} of {@code type}. */
  static Optional<Factory> find(Chain chain, String type) {
    return FACTORIES.stream().filter(f -> f.registers(chain, type)).findFirst();
  }

  /** Whether llm-xds knows all factories of {@code type}, so that an empty {@link #find} means Envoy has none. */
  static boolean judges(String type) {
    return JUDGED.contains(type);
  }

  /** A TypedStruct names its type inside (utility.h:301-321); llm-xds never emits one and does not look inside. */
  static boolean typedStruct(String type) {
    return type.equals("xds.type.v3.TypedStruct") || type.equals("udpa.type.v1.TypedStruct");
  }

  static String name(Descriptor type) {
    return type.getFullName();
  }

  static String name(Class<? extends Message> type) {
    return com.google.protobuf.Internal.getDefaultInstance(type).getDescriptorForType().getFullName();
  }

  private static Factory other(String name, String configType) {
    return new Factory(name, configType, null, false, BOTH, false);
  }

  private static Set<String> judged() {
    Set<String> types = EnvoyTypes.packedTypes().stream().map(Descriptor::getFullName).collect(Collectors.toSet());
    FACTORIES.forEach(f -> types.add(f.configType()));
    return Set.copyOf(types);
  }
}
