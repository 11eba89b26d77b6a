package io.llmxds.filters.testing;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
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
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.GenericSecret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.llmxds.common.DataPathConfig;
import io.llmxds.filters.store.StoreSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The data-path config as the control plane serves it (docs/data-path-config.md), hand-built: store Clusters,
 * password Secrets and the {@code llm-xds/context} RouteConfiguration with one route per model group.
 */
public final class TestDataPath {

  private TestDataPath() {}

  /** One version of the whole config: what a control plane publishes at once. */
  public record Config(String version, List<Cluster> clusters, RouteConfiguration table, List<Secret> secrets) {
    public static Config of(String version, List<Cluster> clusters, Route... routes) {
      return new Config(version, clusters, TestDataPath.table(version, 8L << 20, routes), List.of());
    }

    public Config withSecrets(Secret... secrets) {
      return new Config(version, clusters, table, List.of(secrets));
    }

    public Config withMaxBodyBytes(long maxBodyBytes) {
      return new Config(version, clusters, TestDataPath.table(version, maxBodyBytes,
          table.getVirtualHosts(0).getRoutesList().toArray(Route[]::new)), secrets);
    }

    /** The global rate limits: the table's limit metadata ({@link TestLimits#table}). */
    public Config withLimits(Struct limits) {
      RouteConfiguration.Builder limited = table.toBuilder();
      limited.getVirtualHostsBuilder(0).getMetadataBuilder()
          .putFilterMetadata(io.llmxds.common.GlobalRateLimits.LIMITS_METADATA, limits);
      return new Config(version, clusters, limited.build(), secrets);
    }

    /** The gateway's consumers: the table's consumer metadata, and each one's keys secret among the secrets. */
    public Config withConsumers(Consumer... consumers) {
      Struct.Builder metadata = Struct.newBuilder();
      List<Secret> withKeys = new java.util.ArrayList<>(secrets);
      for (Consumer consumer : consumers) {
        metadata.putFields(consumer.name(), Value.newBuilder().setStructValue(consumer.metadata()).build());
        withKeys.add(consumer.keysSecret());
      }
      RouteConfiguration.Builder consumerTable = table.toBuilder();
      consumerTable.getVirtualHostsBuilder(0).getMetadataBuilder()
          .putFilterMetadata(DataPathConfig.CONSUMERS_METADATA, metadata.build());
      return new Config(version, clusters, consumerTable.build(), withKeys);
    }
  }

  /**
   * A consumer as the control plane's consumer table and keys secret describe it (docs/data-path-config.md "RDS: the
   * consumer table").
   *
   * @param modelRoutes empty: every ModelRoute
   * @param keys its API keys in clear (the secret holds their salted hashes only)
   */
  public record Consumer(String name, String tier, Optional<List<String>> modelRoutes, Map<String, String> labels,
      List<String> keys) {

    /** A consumer of the default tier, allowed every ModelRoute, without labels. */
    public static Consumer of(String name, String... keys) {
      return new Consumer(name, "default", Optional.empty(), Map.of(), List.of(keys));
    }

    public Consumer withTier(String tier) {
      return new Consumer(name, tier, modelRoutes, labels, keys);
    }

    public Consumer allowedOnly(String... routes) {
      return new Consumer(name, tier, Optional.of(List.of(routes)), labels, keys);
    }

    public Consumer withLabels(Map<String, String> labels) {
      return new Consumer(name, tier, modelRoutes, labels, keys);
    }

    public Consumer withKeys(String... keys) {
      return new Consumer(name, tier, modelRoutes, labels, List.of(keys));
    }

    Struct metadata() {
      Struct.Builder fields = Struct.newBuilder()
          .putFields(DataPathConfig.CONSUMER_TIER, text(tier))
          .putFields(DataPathConfig.CONSUMER_KEYS_SECRET, text(DataPathConfig.keysSecret(name)));
      modelRoutes.ifPresent(routes -> fields.putFields(DataPathConfig.CONSUMER_MODEL_ROUTES, Value.newBuilder()
          .setListValue(com.google.protobuf.ListValue.newBuilder()
              .addAllValues(routes.stream().map(TestDataPath::text).toList())).build()));
      if (!labels.isEmpty()) {
        Struct.Builder labelFields = Struct.newBuilder();
        labels.forEach((k, v) -> labelFields.putFields(k, text(v)));
        fields.putFields(DataPathConfig.CONSUMER_LABELS, Value.newBuilder().setStructValue(labelFields).build());
      }
      return fields.build();
    }

    /** Its keys secret: one salted hash per key, each with a salt of its own, as the control plane writes it. */
    Secret keysSecret() {
      return password(DataPathConfig.keysSecret(name),
          keys.stream().map(TestDataPath::keyHash).collect(Collectors.joining("\n")));
    }
  }

  /** {@code sha256$<salt>$<SHA-256(salt ‖ key)>} with a fresh random 16-byte salt. */
  public static String keyHash(String key) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    try {
      java.security.MessageDigest sha256 = java.security.MessageDigest.getInstance("SHA-256");
      sha256.update(salt);
      byte[] hash = sha256.digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return DataPathConfig.KEY_HASH_SCHEME + java.util.HexFormat.of().formatHex(salt) + "$"
          + java.util.HexFormat.of().formatHex(hash);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  /**
   * The route of a ModelRoute without a context policy: no policy metadata, the built-in memory store's cluster (as
   * the control plane emits it once a gateway has consumers).
   */
  public static Route routeWithoutPolicy(String name, String... models) {
    return route(name, Policy.of("unused", DataPathConfig.BUILT_IN_MEMORY_STORE), models).toBuilder()
        .clearMetadata().build();
  }

  /**
   * A context policy's route metadata.
   *
   * @param store the store it writes to (the route's cluster)
   */
  public record Policy(String name, String version, String schema, String mode, int maxTurns, int maxInjectedChars,
      String failureMode, String sessionHeader, Optional<String> userHeader, String store,
      Optional<String> migrateFromStore, Optional<String> migrateFromSchema) {

    /** v1, strict, 20 turns, 32,000 characters, failure mode open, session header {@code x-session-id}. */
    public static Policy of(String name, String store) {
      return new Policy(name, "0123456789abcdef", "v1", "strict", 20, 32000, "open", "x-session-id",
          Optional.empty(), store, Optional.empty(), Optional.empty());
    }

    public Policy withVersion(String version) {
      return edit(p -> p.version = version);
    }

    public Policy withMaxTurns(int maxTurns) {
      return edit(p -> p.maxTurns = maxTurns);
    }

    public Policy withMaxInjectedChars(int maxInjectedChars) {
      return edit(p -> p.maxInjectedChars = maxInjectedChars);
    }

    public Policy withFailureMode(String failureMode) {
      return edit(p -> p.failureMode = failureMode);
    }

    /** Another schema in the same mode ({@code v2} with the default {@code strict}: v2 records only). */
    public Policy withSchema(String schema) {
      return edit(p -> p.schema = schema);
    }

    public Policy withStore(String store) {
      return edit(p -> p.store = store);
    }

    public Policy withHeaders(String sessionHeader, Optional<String> userHeader) {
      return edit(p -> {
        p.sessionHeader = sessionHeader;
        p.userHeader = userHeader;
      });
    }

    /** Schema v2 with {@code v1_v2_migration}: old records are read from the store's own v1 record. */
    public Policy migratingToV2() {
      return edit(p -> {
        p.schema = "v2";
        p.mode = "v1_v2_migration";
      });
    }

    /** Schema v2 with {@code v1_v2_migration} on {@code store}, old records read from {@code from}'s. */
    public Policy migratingToV2(String store, String from, String fromSchema) {
      return migratingToV2().edit(p -> {
        p.store = store;
        p.migrateFromStore = Optional.of(from);
        p.migrateFromSchema = Optional.of(fromSchema);
      });
    }

    private Policy edit(java.util.function.Consumer<Fields> change) {
      Fields fields = new Fields(this);
      change.accept(fields);
      return fields.policy();
    }

    /** A policy's fields while a wither changes some. */
    private static final class Fields {
      String name;
      String version;
      String schema;
      String mode;
      int maxTurns;
      int maxInjectedChars;
      String failureMode;
      String sessionHeader;
      Optional<String> userHeader;
      String store;
      Optional<String> migrateFromStore;
      Optional<String> migrateFromSchema;

      Fields(Policy p) {
        name = p.name;
        version = p.version;
        schema = p.schema;
        mode = p.mode;
        maxTurns = p.maxTurns;
        maxInjectedChars = p.maxInjectedChars;
        failureMode = p.failureMode;
        sessionHeader = p.sessionHeader;
        userHeader = p.userHeader;
        store = p.store;
        migrateFromStore = p.migrateFromStore;
        migrateFromSchema = p.migrateFromSchema;
      }

      Policy policy() {
        return new Policy(name, version, schema, mode, maxTurns, maxInjectedChars, failureMode, sessionHeader,
            userHeader, store, migrateFromStore, migrateFromSchema);
      }
    }

    Struct metadata() {
      Struct.Builder fields = Struct.newBuilder()
          .putFields(DataPathConfig.POLICY_NAME, text(name))
          .putFields(DataPathConfig.POLICY_VERSION, text(version))
          .putFields(DataPathConfig.POLICY_SCHEMA, text(schema))
          .putFields(DataPathConfig.POLICY_MODE, text(mode))
          .putFields(DataPathConfig.POLICY_MAX_TURNS, number(maxTurns))
          .putFields(DataPathConfig.POLICY_MAX_INJECTED_CHARS, number(maxInjectedChars))
          .putFields(DataPathConfig.POLICY_FAILURE_MODE, text(failureMode))
          .putFields(DataPathConfig.POLICY_SESSION_HEADER, text(sessionHeader));
      userHeader.ifPresent(h -> fields.putFields(DataPathConfig.POLICY_USER_HEADER, text(h)));
      migrateFromStore.ifPresent(s -> fields.putFields(DataPathConfig.POLICY_MIGRATE_FROM_STORE, text(s)));
      migrateFromSchema.ifPresent(s -> fields.putFields(DataPathConfig.POLICY_MIGRATE_FROM_SCHEMA, text(s)));
      return fields.build();
    }
  }

  /** The built-in memory store's cluster. */
  public static Cluster memoryStore() {
    return memoryStore(DataPathConfig.BUILT_IN_MEMORY_STORE);
  }

  public static Cluster memoryStore(String name) {
    return Cluster.newBuilder().setName(DataPathConfig.storeCluster(name)).setType(Cluster.DiscoveryType.STATIC)
        .setMetadata(storeMetadata(Map.of(DataPathConfig.STORE_TYPE, text("memory"))))
        .build();
  }

  /** A single-node redis store at {@code uri}'s host and port ({@code redis://host:port}), database 0. */
  public static Cluster redisStore(String name, String uri) {
    return redisStore(name, uri, Optional.empty());
  }

  public static Cluster redisStore(String name, String uri, Optional<String> passwordSecret) {
    java.net.URI parsed = java.net.URI.create(uri);
    return redisStore(name, "redis", List.of(new StoreSpec.Address(parsed.getHost(), parsed.getPort())),
        passwordSecret);
  }

  /** A {@code redis-cluster} store seeded with {@code seeds} (e.g. {@link LocalRedisCluster#seeds()}). */
  public static Cluster redisClusterStore(String name, List<StoreSpec.Address> seeds) {
    return redisStore(name, "redis-cluster", seeds, Optional.empty());
  }

  /** A Redis store of {@code type}: one endpoint per address, database 0, 2 s commands, one connection. */
  private static Cluster redisStore(String name, String type, List<StoreSpec.Address> addresses,
      Optional<String> passwordSecret) {
    Map<String, Value> fields = new java.util.LinkedHashMap<>(Map.of(
        DataPathConfig.STORE_TYPE, text(type),
        DataPathConfig.STORE_DATABASE, number(0),
        DataPathConfig.STORE_COMMAND_TIMEOUT_MS, number(2000),
        DataPathConfig.STORE_POOL_SIZE, number(1)));
    passwordSecret.ifPresent(s -> fields.put(DataPathConfig.STORE_PASSWORD_SECRET, text(s)));
    LocalityLbEndpoints.Builder endpoints = LocalityLbEndpoints.newBuilder();
    for (StoreSpec.Address address : addresses) {
      endpoints.addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder().setAddress(
          Address.newBuilder().setSocketAddress(
              SocketAddress.newBuilder().setAddress(address.host()).setPortValue(address.port())))));
    }
    return Cluster.newBuilder().setName(DataPathConfig.storeCluster(name)).setType(Cluster.DiscoveryType.STATIC)
        .setConnectTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(1))
        .setLoadAssignment(ClusterLoadAssignment.newBuilder()
            .setClusterName(DataPathConfig.storeCluster(name))
            .addEndpoints(endpoints))
        .setMetadata(storeMetadata(fields))
        .build();
  }

  public static Secret password(String secretName, String password) {
    return Secret.newBuilder().setName(secretName)
        .setGenericSecret(GenericSecret.newBuilder().setSecret(DataSource.newBuilder().setInlineString(password)))
        .build();
  }

  /** A route for {@code models}: exact for one, as the edge routes do an RE2 alternation for several. */
  public static Route route(String name, Policy policy, String... models) {
    StringMatcher match = models.length == 1 ? StringMatcher.newBuilder().setExact(models[0]).build()
        : regex("^(?:" + java.util.Arrays.stream(models).map(TestDataPath::quote).collect(Collectors.joining("|"))
            + ")$");
    return route(name, policy, match);
  }

  /** A route for every model {@code regex} matches. */
  public static Route routeMatching(String name, Policy policy, String regex) {
    return route(name, policy, regex(regex));
  }

  private static Route route(String name, Policy policy, StringMatcher match) {
    return Route.newBuilder().setName(name)
        .setMatch(RouteMatch.newBuilder().setPrefix("/")
            .addHeaders(HeaderMatcher.newBuilder().setName(DataPathConfig.MODEL_HEADER).setStringMatch(match)))
        .setRoute(RouteAction.newBuilder().setCluster(DataPathConfig.storeCluster(policy.store())))
        .setMetadata(Metadata.newBuilder().putFilterMetadata(DataPathConfig.POLICY_METADATA, policy.metadata()))
        .build();
  }

  public static RouteConfiguration table(String configVersion, long maxBodyBytes, Route... routes) {
    return RouteConfiguration.newBuilder().setName(DataPathConfig.ROUTE_CONFIGURATION)
        .addVirtualHosts(VirtualHost.newBuilder().setName(DataPathConfig.VIRTUAL_HOST).addDomains("*")
            .setMetadata(Metadata.newBuilder().putFilterMetadata(DataPathConfig.TABLE_METADATA, Struct.newBuilder()
                .putFields(DataPathConfig.TABLE_CONFIG_VERSION, text(configVersion))
                .putFields(DataPathConfig.TABLE_MAX_BODY_BYTES, number(maxBodyBytes))
                .build()))
            .addAllRoutes(List.of(routes)))
        .build();
  }

  /** {@code model} as an RE2 literal. */
  private static String quote(String model) {
    return model.replaceAll("([\\\\.^$|?*+()\\[\\]{}-])", "\\\\$1");
  }

  private static StringMatcher regex(String regex) {
    return StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex(regex)).build();
  }

  private static Metadata storeMetadata(Map<String, Value> fields) {
    return Metadata.newBuilder()
        .putFilterMetadata(DataPathConfig.STORE_METADATA, Struct.newBuilder().putAllFields(fields).build())
        .build();
  }

  private static Value text(String value) {
    return Value.newBuilder().setStringValue(value).build();
  }

  private static Value number(long value) {
    return Value.newBuilder().setNumberValue(value).build();
  }
}
