package io.llmxds.cp.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.llmxds.common.DataPathConfig;
import io.llmxds.cp.policy.ContextPolicy;
import io.llmxds.cp.policy.ContextStore;
import io.llmxds.cp.policy.ModelRoute;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.SecretValue;
import io.llmxds.cp.verify.ReferenceCheck;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The context-service flavor: the model → policy table, the stores in use, their passwords (docs/data-path-config.md). */
class ContextServiceTranslatorTest {

  private static final ContextStore OLD = redis("old-redis", "10.0.0.1", Optional.empty());
  private static final ContextStore NEW = redis("new-redis", "redis.internal", Optional.of("s3cret"));
  private static final ContextStore UNUSED = redis("unused", "10.0.0.9", Optional.empty());

  private static ContextStore redis(String name, String host, Optional<String> password) {
    return new ContextStore(name, ContextStore.Type.REDIS, List.of(new ContextStore.Address(host, 6379)), 0,
        Optional.empty(), Optional.empty(),
        password.map(p -> new ContextStore.Password("secrets/" + name, new SecretValue(p))), Duration.ofSeconds(1),
        Duration.ofMillis(250), 2);
  }

  /** chat has its own migrating policy on new-redis; gpt-4o takes the Gateway's default on the built-in memory. */
  private static PolicyBundle bundle() {
    PolicyBundle example = Bundles.example();
    ContextPolicy migrating = new ContextPolicy("migrating", "x-conversation-id", "", ContextPolicy.Schema.V2,
        ContextPolicy.Mode.V1_V2_MIGRATION, 4, 1000, "new-redis", ContextPolicy.FailureMode.CLOSED,
        Optional.of(new ContextPolicy.MigrateFrom("old-redis", ContextPolicy.Schema.V1)));
    ModelRoute chat = Bundles.chat();
    ModelRoute ownPolicy = new ModelRoute(chat.name(), chat.models(), chat.backends(), chat.fallbacks(), chat.retry(),
        chat.timeout(), Optional.of("migrating"));
    return new PolicyBundle(example.gateway(), example.providers(), List.of(ownPolicy, Bundles.gpt4o()),
        example.rateLimits(), List.of(Bundles.contextPolicy("default"), migrating), List.of(NEW, OLD, UNUSED));
  }

  private final EnvoyResources resources = Flavor.CONTEXT_SERVICE.translate(bundle());

  @Test
  void eachModelRouteMapsItsModelsToItsEffectivePolicyAndItsStore() {
    List<Route> routes = Unpack.routes(resources.routes().get(0));
    assertThat(resources.routes().get(0).getName()).isEqualTo(DataPathConfig.ROUTE_CONFIGURATION);
    assertThat(routes).extracting(Route::getName).containsExactly("chat", "gpt-4o");
    Route chat = routes.get(0);
    assertThat(chat.getMatch().getHeaders(0).getName()).isEqualTo(DataPathConfig.MODEL_HEADER);
    assertThat(chat.getMatch().getHeaders(0).getStringMatch().getSafeRegex().getRegex())
        .isEqualTo("^(?:chat|gpt\\-4o\\-mini)$");
    assertThat(chat.getRoute().getCluster()).isEqualTo("context-store/new-redis");
    Struct policy = chat.getMetadata().getFilterMetadataOrThrow(DataPathConfig.POLICY_METADATA);
    assertThat(policy.getFieldsOrThrow(DataPathConfig.POLICY_NAME).getStringValue()).isEqualTo("migrating");
    assertThat(policy.getFieldsOrThrow(DataPathConfig.POLICY_SESSION_HEADER).getStringValue())
        .isEqualTo("x-conversation-id");
    assertThat(policy.getFieldsOrThrow(DataPathConfig.POLICY_MAX_TURNS).getNumberValue()).isEqualTo(4);
    assertThat(policy.getFieldsOrThrow(DataPathConfig.POLICY_MIGRATE_FROM_STORE).getStringValue())
        .isEqualTo("old-redis");
    assertThat(policy.getFieldsMap()).doesNotContainKey(DataPathConfig.POLICY_USER_HEADER);
    assertThat(routes.get(1).getRoute().getCluster()).as("the Gateway's default").isEqualTo("context-store/memory");
  }

  @Test
  void onlyTheStoresOfPoliciesInUseAreServedWithTheirPasswordsAsSecrets() {
    assertThat(resources.clusters()).extracting(Cluster::getName)
        .containsExactly("context-store/memory", "context-store/new-redis", "context-store/old-redis");
    Cluster fresh = resources.clusters().get(1);
    assertThat(fresh.getType()).as("a host name: the service resolves it").isEqualTo(Cluster.DiscoveryType.STRICT_DNS);
    assertThat(resources.clusters().get(2).getType()).isEqualTo(Cluster.DiscoveryType.STATIC);
    Struct store = fresh.getMetadata().getFilterMetadataOrThrow(DataPathConfig.STORE_METADATA);
    assertThat(store.getFieldsOrThrow(DataPathConfig.STORE_TYPE).getStringValue()).isEqualTo("redis");
    assertThat(store.getFieldsOrThrow(DataPathConfig.STORE_POOL_SIZE).getNumberValue()).isEqualTo(2);
    assertThat(store.getFieldsOrThrow(DataPathConfig.STORE_PASSWORD_SECRET).getStringValue())
        .isEqualTo("context-store/new-redis/password");
    assertThat(resources.secrets()).singleElement().satisfies(s -> {
      assertThat(s.getName()).isEqualTo("context-store/new-redis/password");
      assertThat(s.getGenericSecret().getSecret().getInlineString()).isEqualTo("s3cret");
    });
    assertThat(resources.listeners()).isEmpty();
    assertThat(resources.endpoints()).isEmpty();
  }

  @Test
  void theTableIsConsistentAndCarriesTheConfigVersionAndTheBodyLimit() {
    assertThat(ReferenceCheck.check(resources)).isEmpty();
    Struct table = resources.routes().get(0).getVirtualHosts(0).getMetadata()
        .getFilterMetadataOrThrow(DataPathConfig.TABLE_METADATA);
    assertThat(table.getFieldsOrThrow(DataPathConfig.TABLE_MAX_BODY_BYTES).getNumberValue()).isEqualTo(8 << 20);
    assertThat(table.getFieldsOrThrow(DataPathConfig.TABLE_CONFIG_VERSION).getStringValue()).hasSize(16);
  }

  @Test
  void aStoresPasswordSecretIsAReferenceTheCheckFollows() {
    EnvoyResources withoutSecret = new EnvoyResources(resources.clusters(), List.of(), List.of(), resources.routes(),
        List.of());
    assertThat(ReferenceCheck.check(withoutSecret))
        .containsExactly("Cluster context-store/new-redis: secret 'context-store/new-redis/password' is not in SDS");
  }

  /** A policy's version is its own content's: editing a provider or another policy leaves it alone. */
  @Test
  void aPolicysVersionDependsOnThePolicyAlone() {
    String version = RecordVersion.of(Bundles.contextPolicy("default"));
    assertThat(version).matches("[0-9a-f]{16}").isEqualTo(RecordVersion.of(Bundles.contextPolicy("default")));
    ContextPolicy fewerTurns = new ContextPolicy("default", "x-session-id", "x-user-id", ContextPolicy.Schema.V1,
        ContextPolicy.Mode.STRICT, 19, 32000, "memory", ContextPolicy.FailureMode.OPEN, Optional.empty());
    assertThat(RecordVersion.of(fewerTurns)).isNotEqualTo(version);
  }
}
