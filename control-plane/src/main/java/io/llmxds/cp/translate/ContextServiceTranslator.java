package io.llmxds.cp.translate;

import com.google.protobuf.Any;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.GenericSecret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.llmxds.common.DataPathConfig;
import io.llmxds.common.GlobalRateLimits;
import io.llmxds.cp.policy.ConfigVersion;
import io.llmxds.cp.policy.ContextPolicy;
import io.llmxds.cp.policy.ContextStore;
import io.llmxds.cp.policy.ModelRoute;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The context-service flavor (docs/data-path-config.md): the stores the policies in use name as CDS Clusters, their
 * passwords and the consumers' key hashes as SDS Secrets, and one RouteConfiguration that maps each ModelRoute's
 * models to its effective context policy, with the consumer table on its virtual host. The service matches the model
 * it reads from the body against these routes, so every request gets its own route's policy — which Envoy's ext_proc
 * metadata, fixed by the first route match, could not give (X3). The global rate limits' table rides on the same
 * virtual host, and the stores they count in are served like the context policies' ones.
 */
final class ContextServiceTranslator {

  private ContextServiceTranslator() {}

  static EnvoyResources translate(PolicyBundle bundle) {
    // In route-name order, every ModelRoute: the service maps a model to its ModelRoute for the consumers' access
    // check even where no context policy applies. Each kept with its policy (a lookup by name would be quadratic).
    TreeMap<String, Map.Entry<ModelRoute, Optional<ContextPolicy>>> byRoute = new TreeMap<>();
    for (ModelRoute route : bundle.modelRoutes()) {
      byRoute.put(route.name(), Map.entry(route,
          route.contextPolicy().or(() -> bundle.gateway().contextPolicy()).flatMap(bundle::contextPolicy)));
    }
    TreeSet<String> storesInUse = new TreeSet<>();
    byRoute.values().stream().map(Map.Entry::getValue).forEach(policy -> policy.ifPresentOrElse(p -> {
      storesInUse.add(p.store());
      p.migrateFrom().ifPresent(m -> storesInUse.add(m.store()));
    }, () -> storesInUse.add(DataPathConfig.BUILT_IN_MEMORY_STORE)));
    // The rate-limit service counts in these stores, whether or not a context policy uses them.
    bundle.rateLimits().forEach(limit -> limit.global().ifPresent(g -> storesInUse.add(g.store())));
    List<Cluster> clusters = new ArrayList<>();
    List<Secret> secrets = new ArrayList<>();
    for (String name : storesInUse) {
      ContextStore store = bundle.contextStore(name).orElseThrow(() -> new IllegalStateException(
          "the loader accepted a policy naming the unknown store " + name));
      clusters.add(cluster(store));
      store.password().ifPresent(password -> secrets.add(
          genericSecret(DataPathConfig.passwordSecret(store.name()), password.value().reveal())));
    }
    Metadata.Builder hostMetadata = Metadata.newBuilder()
        .putFilterMetadata(DataPathConfig.TABLE_METADATA, Struct.newBuilder()
            .putFields(DataPathConfig.TABLE_CONFIG_VERSION, string(ConfigVersion.of(bundle)))
            .putFields(DataPathConfig.TABLE_MAX_BODY_BYTES, number(bundle.gateway().requestBufferLimitBytes()))
            .build());
    GlobalLimitTable.of(bundle).ifPresent(limits ->
        hostMetadata.putFilterMetadata(GlobalRateLimits.LIMITS_METADATA, limits));
    if (bundle.authenticates()) {
      hostMetadata.putFilterMetadata(DataPathConfig.CONSUMERS_METADATA, ConsumerTable.of(bundle.consumers()));
      bundle.consumers().forEach(c -> secrets.add(genericSecret(DataPathConfig.keysSecret(c.name()),
          ConsumerTable.keyHashes(c))));
    }
    VirtualHost.Builder host = VirtualHost.newBuilder()
        .setName(DataPathConfig.VIRTUAL_HOST)
        .addDomains("*")
        .setMetadata(hostMetadata);
    byRoute.values().forEach(entry -> host.addRoutes(route(bundle, entry.getKey(), entry.getValue())));
    RouteConfiguration table = RouteConfiguration.newBuilder()
        .setName(DataPathConfig.ROUTE_CONFIGURATION)
        .addVirtualHosts(host)
        .build();
    return new EnvoyResources(clusters, List.of(), List.of(), List.of(table), Translator.sorted(secrets,
        Secret::getName));
  }

  private static Secret genericSecret(String name, String value) {
    return Secret.newBuilder()
        .setName(name)
        .setGenericSecret(GenericSecret.newBuilder().setSecret(DataSource.newBuilder().setInlineString(value)))
        .build();
  }

  /**
   * A ModelRoute's models, matched as the edge route matches them, to the store and metadata of its policy; without
   * a policy, to the built-in memory store and no policy metadata (such a request gets no context). A route with a
   * provider that does not speak {@code openai} lists its providers' APIs, so that the service refuses a request one
   * of them cannot be given before any try: an upstream filter cannot answer the client (U4).
   */
  private static Route route(PolicyBundle bundle, ModelRoute modelRoute, Optional<ContextPolicy> policy) {
    Route.Builder route = Route.newBuilder()
        .setName(modelRoute.name())
        .setMatch(RouteMatch.newBuilder()
            .setPrefix("/")
            .addHeaders(HeaderMatcher.newBuilder()
                .setName(DataPathConfig.MODEL_HEADER)
                .setStringMatch(RouteTranslator.anyOf(modelRoute.models()))))
        .setRoute(RouteAction.newBuilder().setCluster(DataPathConfig.storeCluster(
            policy.map(ContextPolicy::store).orElse(DataPathConfig.BUILT_IN_MEMORY_STORE))));
    Metadata.Builder metadata = Metadata.newBuilder();
    policy.ifPresent(p -> metadata.putFilterMetadata(DataPathConfig.POLICY_METADATA, policyFields(p).build()));
    TreeSet<String> apis = new TreeSet<>();
    modelRoute.backends().forEach(b -> bundle.provider(b.provider()).ifPresent(p -> apis.add(p.api().wire())));
    modelRoute.fallbackProviders().forEach(f -> bundle.provider(f).ifPresent(p -> apis.add(p.api().wire())));
    if (!apis.equals(new TreeSet<>(List.of(Provider.Api.OPENAI.wire())))) {
      ListValue.Builder list = ListValue.newBuilder();
      apis.forEach(api -> list.addValues(string(api)));
      metadata.putFilterMetadata(DataPathConfig.ROUTE_METADATA, Struct.newBuilder()
          .putFields(DataPathConfig.ROUTE_PROVIDER_APIS, Value.newBuilder().setListValue(list).build()).build());
    }
    if (metadata.getFilterMetadataCount() > 0) {
      route.setMetadata(metadata);
    }
    return route.build();
  }

  private static Struct.Builder policyFields(ContextPolicy policy) {
    Struct.Builder fields = Struct.newBuilder()
        .putFields(DataPathConfig.POLICY_NAME, string(policy.name()))
        .putFields(DataPathConfig.POLICY_VERSION, string(RecordVersion.of(policy)))
        .putFields(DataPathConfig.POLICY_SCHEMA, string(policy.schema().wire()))
        .putFields(DataPathConfig.POLICY_MODE, string(policy.mode().wire()))
        .putFields(DataPathConfig.POLICY_MAX_TURNS, number(policy.maxTurns()))
        .putFields(DataPathConfig.POLICY_MAX_INJECTED_CHARS, number(policy.maxInjectedChars()))
        .putFields(DataPathConfig.POLICY_FAILURE_MODE, string(policy.failureMode().wire()))
        .putFields(DataPathConfig.POLICY_SESSION_HEADER, string(policy.sessionHeader()));
    if (!policy.userHeader().isEmpty()) {
      fields.putFields(DataPathConfig.POLICY_USER_HEADER, string(policy.userHeader()));
    }
    policy.migrateFrom().ifPresent(m -> fields
        .putFields(DataPathConfig.POLICY_MIGRATE_FROM_STORE, string(m.store()))
        .putFields(DataPathConfig.POLICY_MIGRATE_FROM_SCHEMA, string(m.schema().wire())));
    return fields;
  }

  /** A store as a Cluster: its servers as endpoints (resolved by the service itself), TLS, timeouts, the rest metadata. */
  private static Cluster cluster(ContextStore store) {
    String name = DataPathConfig.storeCluster(store.name());
    boolean byIp = store.addresses().stream().allMatch(a -> EndpointTranslator.servedByEds(a.host()));
    ClusterLoadAssignment.Builder assignment = ClusterLoadAssignment.newBuilder().setClusterName(name);
    if (!store.addresses().isEmpty()) {
      LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder();
      store.addresses().forEach(a -> locality.addLbEndpoints(LbEndpoint.newBuilder()
          .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder()
              .setSocketAddress(SocketAddress.newBuilder().setAddress(a.host()).setPortValue(a.port()))))));
      assignment.addEndpoints(locality);
    }
    Struct.Builder fields = Struct.newBuilder()
        .putFields(DataPathConfig.STORE_TYPE, string(store.type().wire()))
        .putFields(DataPathConfig.STORE_DATABASE, number(store.database()))
        .putFields(DataPathConfig.STORE_COMMAND_TIMEOUT_MS, number(store.commandTimeout().toMillis()))
        .putFields(DataPathConfig.STORE_POOL_SIZE, number(store.poolSize()));
    store.username().ifPresent(u -> fields.putFields(DataPathConfig.STORE_USERNAME, string(u)));
    store.password().ifPresent(p -> fields.putFields(DataPathConfig.STORE_PASSWORD_SECRET,
        string(DataPathConfig.passwordSecret(store.name()))));
    Cluster.Builder cluster = Cluster.newBuilder()
        .setName(name)
        .setType(byIp ? Cluster.DiscoveryType.STATIC : Cluster.DiscoveryType.STRICT_DNS)
        .setConnectTimeout(ProtoValues.duration(store.connectTimeout()))
        .setLoadAssignment(assignment)
        .setMetadata(metadata(DataPathConfig.STORE_METADATA, fields));
    tls(store).ifPresent(cluster::setTransportSocket);
    return cluster.build();
  }

  private static Optional<TransportSocket> tls(ContextStore store) {
    return store.tls().map(t -> {
      CertificateValidationContext.Builder validation = CertificateValidationContext.newBuilder();
      t.ca().ifPresentOrElse(
          ca -> validation.setTrustedCa(DataSource.newBuilder().setInlineString(ca.pem())),
          () -> validation.setSystemRootCerts(CertificateValidationContext.SystemRootCerts.getDefaultInstance()));
      return TransportSocket.newBuilder()
          .setName(Names.TLS_TRANSPORT_SOCKET)
          .setTypedConfig(Any.pack(UpstreamTlsContext.newBuilder()
              .setSni(t.sni())
              .setCommonTlsContext(CommonTlsContext.newBuilder().setValidationContext(validation))
              .build()))
          .build();
    });
  }

  private static Metadata metadata(String namespace, Struct.Builder fields) {
    return Metadata.newBuilder().putFilterMetadata(namespace, fields.build()).build();
  }

  static Value string(String text) {
    return Value.newBuilder().setStringValue(text).build();
  }

  static Value number(long value) {
    return Value.newBuilder().setNumberValue(value).build();
  }
}
