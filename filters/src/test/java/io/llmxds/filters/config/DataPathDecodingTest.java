package io.llmxds.filters.config;

import static io.llmxds.filters.testing.TestDataPath.memoryStore;
import static io.llmxds.filters.testing.TestDataPath.redisStore;
import static io.llmxds.filters.testing.TestDataPath.route;
import static io.llmxds.filters.testing.TestDataPath.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.GenericSecret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.llmxds.common.DataPathConfig;
import io.llmxds.filters.config.StoreClusters.Declared;
import io.llmxds.filters.context.RequestPolicy;
import io.llmxds.filters.context.RequestPolicy.MigrationSource;
import io.llmxds.filters.context.RequestPolicy.Schema;
import io.llmxds.filters.store.StoreSpec;
import io.llmxds.filters.testing.TestDataPath;
import io.llmxds.filters.testing.TestDataPath.Policy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** docs/data-path-config.md, read back: what each resource means to the service, and what it refuses. */
class DataPathDecodingTest {

  private static List<Any> packed(Message... resources) {
    return List.of(resources).stream().map(Any::pack).toList();
  }

  private static Declared store(Cluster cluster) throws ConfigException {
    return StoreClusters.decode(packed(cluster)).values().iterator().next();
  }

  private static Cluster withStoreField(Cluster cluster, String key, Value value) {
    Cluster.Builder builder = cluster.toBuilder();
    builder.getMetadataBuilder().putFilterMetadata(DataPathConfig.STORE_METADATA,
        cluster.getMetadata().getFilterMetadataOrThrow(DataPathConfig.STORE_METADATA).toBuilder()
            .putFields(key, value).build());
    return builder.build();
  }

  private static TransportSocket tls(UnaryOperator<CertificateValidationContext.Builder> validation) {
    return TransportSocket.newBuilder().setName(StoreClusters.TLS_TRANSPORT_SOCKET)
        .setTypedConfig(Any.pack(UpstreamTlsContext.newBuilder().setSni("redis.internal")
            .setCommonTlsContext(CommonTlsContext.newBuilder()
                .setValidationContext(validation.apply(CertificateValidationContext.newBuilder())))
            .build()))
        .build();
  }

  @Test
  void aRedisClusterIsAStoreSpec() throws Exception {
    Cluster cluster = withStoreField(redisStore("new-redis", "redis://10.0.0.9:6379",
        Optional.of("context-store/new-redis/password")), DataPathConfig.STORE_USERNAME,
        Value.newBuilder().setStringValue("llm").build()).toBuilder()
        .setTransportSocket(tls(v -> v.setTrustedCa(DataSource.newBuilder().setInlineString("PEM")))).build();

    Declared declared = store(cluster);

    assertThat(declared.spec()).isEqualTo(new StoreSpec("new-redis", StoreSpec.Type.REDIS,
        List.of(new StoreSpec.Address("10.0.0.9", 6379)), 0,
        Optional.of(new StoreSpec.Tls("redis.internal", Optional.of("PEM"))), Optional.of("llm"), Optional.empty(),
        Duration.ofSeconds(1), Duration.ofMillis(2000), 1));
    assertThat(declared.passwordSecret()).hasValue("context-store/new-redis/password");
  }

  @Test
  void tlsWithoutAnInlineCaTrustsTheSystemRootsAndAHostNameClusterResolvesItself() throws Exception {
    Cluster cluster = redisStore("r", "redis://redis.internal:6380").toBuilder()
        .setType(Cluster.DiscoveryType.STRICT_DNS)
        .setTransportSocket(tls(v -> v.setSystemRootCerts(CertificateValidationContext.SystemRootCerts
            .getDefaultInstance())))
        .build();

    StoreSpec spec = store(cluster).spec();

    assertThat(spec.addresses()).containsExactly(new StoreSpec.Address("redis.internal", 6380));
    assertThat(spec.tls()).hasValue(new StoreSpec.Tls("redis.internal", Optional.empty()));
    assertThat(spec.label()).isEqualTo("ContextStore/r: rediss://redis.internal:6380/0");
  }

  @Test
  void aMemoryStoreIsTheSameStoreAsTheBuiltInOne() throws Exception {
    assertThat(store(memoryStore()).spec()).isEqualTo(BuiltInDefault.memorySpec());
  }

  @Test
  void clustersThatAreNotContextStoresAreRefused() {
    assertThatThrownBy(() -> store(memoryStore().toBuilder().setName("llm-xds/mock-a").build()))
        .hasMessage("Cluster llm-xds/mock-a: a context store's cluster is named context-store/<store>");
    assertThatThrownBy(() -> store(withStoreField(memoryStore(), DataPathConfig.STORE_TYPE,
        Value.newBuilder().setStringValue("etcd").build())))
        .hasMessage("Cluster context-store/memory: unknown store type 'etcd'");
    assertThatThrownBy(() -> store(memoryStore().toBuilder().clearMetadata().build()))
        .hasMessage("Cluster context-store/memory: no metadata io.llmxds.context_store");
    Cluster twoAddresses = redisStore("r", "redis://10.0.0.1:6379").toBuilder()
        .setLoadAssignment(redisStore("r", "redis://10.0.0.1:6379").getLoadAssignment().toBuilder()
            .addEndpoints(redisStore("r", "redis://10.0.0.2:6379").getLoadAssignment().getEndpoints(0)))
        .build();
    assertThatThrownBy(() -> store(twoAddresses))
        .hasMessage("Cluster context-store/r: a redis store has one address, not 2");
    assertThatThrownBy(() -> store(withStoreField(redisStore("r", "redis://10.0.0.1:6379"),
        DataPathConfig.STORE_POOL_SIZE, Value.newBuilder().setNumberValue(1.5).build())))
        .hasMessage("Cluster context-store/r: io.llmxds.context_store.pool_size must be a whole number from 1 to "
            + "1024");
    assertThatThrownBy(() -> StoreClusters.decode(packed(memoryStore(), memoryStore())))
        .hasMessage("Cluster context-store/memory appears twice");
    assertThatThrownBy(() -> store(redisStore("r", "redis://10.0.0.1:6379").toBuilder()
        .setTransportSocket(tls(UnaryOperator.identity())).build()))
        .hasMessageContaining("TLS needs validation_context.trusted_ca.inline_string or system_root_certs");
  }

  @Test
  void routesAreMatchedInOrderOnTheWholeModelNameAndCarryTheirPolicy() throws Exception {
    ModelTable table = ModelTables.decode(packed(table("cfg-7", 1 << 20,
        route("chat", Policy.of("default", "memory").withMaxTurns(4).withHeaders("X-Session-Id",
            Optional.of("X-User-Id")), "gpt-4o", "gpt-4o-mini"),
        route("chat-too", Policy.of("second", "memory"), "gpt-4o"),
        route("v2", Policy.of("v2", "new").migratingToV2("new", "old", "v1").withFailureMode("closed"), "o1"))));

    assertThat(table.configVersion()).isEqualTo("cfg-7");
    assertThat(table.maxBodyBytes()).isEqualTo(1 << 20);
    DataPathSnapshot snapshot = new DataPathSnapshot(table.configVersion(), 1, table.routes(), Map.of());
    assertThat(snapshot.routeFor(Optional.of("gpt-4o")).flatMap(TableRoute::policy).map(RequestPolicy::name))
        .hasValue("default");
    assertThat(snapshot.routeFor(Optional.of("gpt-4o-mini")).map(TableRoute::name)).hasValue("chat");
    assertThat(snapshot.routeFor(Optional.of("gpt-4o-mini-2"))).as("whole value").isEmpty();
    assertThat(snapshot.routeFor(Optional.of("xgpt-4o"))).isEmpty();
    assertThat(snapshot.routeFor(Optional.empty())).isEmpty();
    assertThat(table.routes().get(0).policy()).hasValue(new RequestPolicy(table.configVersion(), "chat", "default",
        "0123456789abcdef", Schema.V1, 4, 32000, "memory", Optional.empty(), RequestPolicy.FailureMode.OPEN,
        "x-session-id", "x-user-id"));
    RequestPolicy migrating = table.routes().get(2).policy().orElseThrow();
    assertThat(migrating.migrateFrom()).hasValue(new MigrationSource("old", Schema.V1));
    assertThat(migrating.failureMode()).isEqualTo(RequestPolicy.FailureMode.CLOSED);
  }

  @Test
  void aMigratingPolicyWithoutAnOldStoreReadsItsOwnV1RecordAndAStrictOneMigratesNothing() throws Exception {
    ModelTable table = ModelTables.decode(packed(table("1", 1024, route("a", Policy.of("a", "s").migratingToV2(),
        "a"))));
    ModelTable strict = ModelTables.decode(packed(table("1", 1024, route("c", Policy.of("c", "s"), "c"))));

    assertThat(table.routes().get(0).policy().orElseThrow().migrateFrom())
        .hasValue(new MigrationSource("s", Schema.V1));
    assertThat(strict.routes().get(0).policy().orElseThrow().migrateFrom()).isEmpty();
  }

  @Test
  void aTableThatDoesNotSayWhatItMeansIsRefused() {
    Policy policy = Policy.of("p", "memory");
    assertThatThrownBy(() -> ModelTables.decode(packed(table("1", 1024, withPolicyField(route("r", policy, "m"),
        DataPathConfig.POLICY_SCHEMA, "v3")))))
        .hasMessage("RouteConfiguration llm-xds/context route r: schema is v1 or v2, not 'v3'");
    assertThatThrownBy(() -> ModelTables.decode(packed(table("1", 1024, withPolicyField(route("r", policy, "m"),
        DataPathConfig.POLICY_MODE, "lenient")))))
        .hasMessage("RouteConfiguration llm-xds/context route r: mode is strict or v1_v2_migration, not 'lenient'");
    assertThatThrownBy(() -> ModelTables.decode(packed(table("1", 1024,
        route("r", policy.withMaxTurns(0), "m")))))
        .hasMessageEndingWith("io.llmxds.context_policy.max_turns must be a whole number from 1 to 2147483647");
    assertThatThrownBy(() -> ModelTables.decode(packed(table("1", 1024, route("r", policy, "m").toBuilder()
        .setMatch(route("r", policy, "m").getMatch().toBuilder().setHeaders(0,
            route("r", policy, "m").getMatch().getHeaders(0).toBuilder().setName(":authority"))).build()))))
        .hasMessage("RouteConfiguration llm-xds/context route r: the match must be one string_match on x-llm-model");
    assertThatThrownBy(() -> ModelTables.decode(packed(table("1", 1024, route("r", policy, "m").toBuilder()
        .setRoute(route("r", policy, "m").getRoute().toBuilder().setCluster("llm-xds/mock-a")).build()))))
        .hasMessageContaining("a context store's cluster is named context-store/<store>");
    assertThatThrownBy(() -> ModelTables.decode(packed(table("1", 1024,
        route("r", policy.migratingToV2("s", "s", "v2"), "m")))))
        .hasMessage("RouteConfiguration llm-xds/context route r: a policy cannot migrate from its own v2 record");
    assertThatThrownBy(() -> ModelTables.decode(packed(table("1", 1024).toBuilder()
        .setVirtualHosts(0, table("1", 1024).getVirtualHosts(0).toBuilder().clearMetadata()).build())))
        .hasMessage("RouteConfiguration llm-xds/context virtual host models: no metadata io.llmxds");
    assertThatThrownBy(() -> ModelTables.decode(packed(table("1", 1024).toBuilder().setName("other").build())))
        .hasMessage("no RouteConfiguration llm-xds/context in the response");
    assertThatThrownBy(() -> ModelTables.decode(packed(memoryStore())))
        .hasMessageStartingWith("expected RouteConfiguration resources, got ");
  }

  @Test
  void aPasswordIsAnInlineGenericSecret() throws Exception {
    Secret bytes = Secret.newBuilder().setName("s").setGenericSecret(GenericSecret.newBuilder()
        .setSecret(DataSource.newBuilder().setInlineBytes(ByteString.copyFromUtf8("pw")))).build();

    assertThat(Secrets.decode(packed(TestDataPath.password("t", "x"), bytes)).passwords())
        .containsOnly(Map.entry("t", "x"), Map.entry("s", "pw"));
    assertThatThrownBy(() -> Secrets.decode(packed(Secret.newBuilder().setName("f").setGenericSecret(
        GenericSecret.newBuilder().setSecret(DataSource.newBuilder().setFilename("/etc/pw"))).build())))
        .hasMessage("Secret f: a store password or a consumer's keys is a generic_secret with an inline secret")
        .hasMessageNotContaining("/etc/pw");
  }

  private static Route withPolicyField(Route route, String key, String value) {
    Route.Builder builder = route.toBuilder();
    builder.getMetadataBuilder().putFilterMetadata(DataPathConfig.POLICY_METADATA,
        route.getMetadata().getFilterMetadataOrThrow(DataPathConfig.POLICY_METADATA).toBuilder()
            .putFields(key, Value.newBuilder().setStringValue(value).build()).build());
    return builder.build();
  }
}
