package io.llmxds.cp.policy;

import static io.llmxds.cp.testing.PolicyDirs.edit;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmxds.cp.policy.ModelRoute.Backend;
import io.llmxds.cp.policy.RateLimit.Limit;
import io.llmxds.cp.policy.RateLimit.Tier;
import io.llmxds.cp.testing.PolicyDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleDiffTest {

  private final PolicyBundle examples = TestPolicies.loaded(TestPolicies.EXAMPLES).bundle();

  @TempDir
  Path temp;

  @Test
  void identicalBundlesHaveNoChanges() {
    assertThat(BundleDiff.summarize(examples, examples)).isEmpty();
    assertThat(BundleDiff.summarize(examples, edited(dir -> {}))).isEmpty();
  }

  /** The seed's store move: the change summary names the persistence and schema change. */
  @Test
  void aStoreMoveWithASchemaMigrationSaysSo() {
    assertThat(diff(dir -> {
      write(dir.resolve("stores.yaml"), """
          apiVersion: llm-xds.io/v1alpha1
          kind: ContextStore
          metadata:
            name: new-redis
          spec:
            type: redis
            addresses: [10.0.0.9:6379]
          """);
      edit(dir.resolve("context.yaml"), "  schema: v1\n  mode: strict\n", "  schema: v2\n  mode: v1_v2_migration\n");
      edit(dir.resolve("context.yaml"), "  store: memory\n", "  store: new-redis\n  migrateFrom:\n    store: memory\n");
    })).containsExactly(
        "ContextPolicy/default schema v1→v2, mode strict→v1_v2_migration, store memory→new-redis,"
            + " migrateFrom (none)→memory v1",
        "+ContextStore/new-redis");
  }

  @Test
  void weightChangeListsOnlyTheChangedBackend() {
    assertThat(diff(dir -> edit(dir.resolve("routes.yaml"), "weight: 90", "weight: 50")))
        .containsExactly("ModelRoute/chat weights mock-a 90→50");
  }

  @Test
  void abHotSwapListsBothWeights() {
    assertThat(diff(dir -> {
      edit(dir.resolve("routes.yaml"), "weight: 90", "weight: 0");
      edit(dir.resolve("routes.yaml"), "weight: 10", "weight: 100");
    })).containsExactly("ModelRoute/chat weights mock-a 90→0, mock-b 10→100");
  }

  @Test
  void severalChangesOfOneDocumentShareOneEntry() {
    assertThat(diff(dir -> {
      edit(dir.resolve("routes.yaml"), "weight: 90", "weight: 50");
      edit(dir.resolve("routes.yaml"), "attempts: 2", "attempts: 1");
      edit(dir.resolve("routes.yaml"), "models: [chat, gpt-4o-mini]", "models: [chat, gpt-4o-mini, gpt-4o-2]");
      edit(dir.resolve("routes.yaml"), "  fallbacks: [mock-fallback]\n", "");
      edit(dir.resolve("routes.yaml"), "timeout: 600s", "timeout: 900s");
    })).containsExactly(
        "ModelRoute/chat models +gpt-4o-2, weights mock-a 90→50, fallbacks [mock-fallback]→[], retry attempts 2→1",
        "ModelRoute/gpt-4o timeout 600s→900s");
  }

  @Test
  void backendAddedAndRemoved() {
    assertThat(diff(dir -> {
      write(dir.resolve("mock-c.yaml"), """
          apiVersion: llm-xds.io/v1alpha1
          kind: Provider
          metadata:
            name: mock-c
          spec:
            baseUrl: http://127.0.0.1:18084/v1
          """);
      edit(dir.resolve("routes.yaml"), "- provider: mock-b\n      weight: 10", "- provider: mock-c\n      weight: 5");
    })).containsExactly("ModelRoute/chat weights -mock-b, +mock-c 5", "+Provider/mock-c");
  }

  @Test
  void backendModelOverrideAndRouteContextPolicy() {
    ModelRoute chat = examples.modelRoute("chat").orElseThrow();
    ModelRoute changed = new ModelRoute(chat.name(), chat.models(),
        List.of(new Backend("mock-a", Optional.empty(), 90), chat.backends().get(1)),
        chat.fallbacks(), chat.retry(), chat.timeout(), Optional.empty());
    assertThat(BundleDiff.summarize(examples, withRoutes(changed, examples.modelRoutes().get(1))))
        .containsExactly("ModelRoute/chat backend mock-a model mock-model-a→(none), contextPolicy default→(none)");
  }

  @Test
  void rateLimitInRequestsPerMinute() {
    assertThat(diff(dir -> edit(dir.resolve("ratelimits.yaml"), "requests: 100\n", "requests: 200\n")))
        .containsExactly("RateLimit/default 100→200 rpm");
  }

  @Test
  void tierFromUnlimitedToLimitedAndTierAdded() {
    assertThat(diff(dir -> edit(dir.resolve("ratelimits.yaml"), "premium: unlimited",
        "premium:\n        requests: 500\n        per: 1m\n      silver:\n        requests: 50\n        per: 1m")))
        .containsExactly("RateLimit/default tier premium unlimited→500 rpm, +tier silver 50 rpm");
  }

  @Test
  void limitsThatAreNotAWholeRatePerMinuteKeepTheirPeriod() {
    RateLimit limit = examples.rateLimits().get(0);
    RateLimit changed = new RateLimit(limit.name(), limit.modelRoutes(),
        new Limit(10, Duration.ofSeconds(30)),
        List.of(new Tier("gold", Optional.of(RateLimit.Rules.of(new Limit(100, Duration.ofMinutes(5))))),
            new Tier("platinum", Optional.of(RateLimit.Rules.of(new Limit(1000, Duration.ofHours(1)))))));
    PolicyBundle after = new PolicyBundle(examples.gateway(), examples.providers(), examples.modelRoutes(),
        List.of(changed), examples.contextPolicies());
    assertThat(BundleDiff.summarize(examples, after)).containsExactly(
        "RateLimit/default 100 rpm→10/30s, tier gold 1000→20 rpm, +tier platinum 1000/3600s, -tier premium");
  }

  @Test
  void aLimitMadeGlobalNamesItsScopeStoreAndNewRules() {
    RateLimit limit = examples.rateLimits().get(0);
    RateLimit.Rules rules = new RateLimit.Rules(limit.limit().orElseThrow().requests(),
        List.of(new RateLimit.TokenLimit(RateLimit.TokenKind.TOTAL, 20000, Duration.ofMinutes(1))),
        List.of(new RateLimit.Budget(RateLimit.BudgetUnit.USD, new java.math.BigDecimal("0.01"),
            RateLimit.Window.DAY)), RateLimit.Bucket.CONSUMER);
    RateLimit global = new RateLimit(limit.name(), limit.modelRoutes(), Optional.of(rules), limit.tiers(), List.of(),
        Optional.of(new RateLimit.Global("counters", false, ContextPolicy.FailureMode.CLOSED, java.util.Map.of(
            "gpt-4o", new RateLimit.Price(new java.math.BigDecimal("2.5"), java.math.BigDecimal.TEN)))));
    PolicyBundle after = new PolicyBundle(examples.gateway(), examples.providers(), examples.modelRoutes(),
        List.of(global), examples.contextPolicies());
    assertThat(BundleDiff.summarize(examples, after)).as("capped at the entry length").containsExactly(
        "RateLimit/default tokens (none)→[20000 tokens/60s], budget (none)→[$0.01/day], scope local→global, "
            + "store (none)→counters, enforce (none)→false, failureMode (none)→closed, prices (none)→[gpt-4o $2.5/$…");
  }

  @Test
  void rotatedSecretIsNamedButNeverShown() {
    String oldSecret = examples.provider("openai").orElseThrow().credentials().orElseThrow().secret().reveal();
    String newSecret = "sk-rotated-9f8e7d6c5b4a";
    PolicyBundle after = edited(dir -> write(dir.resolve("secrets/openai-api-key"), newSecret + "\n"));

    List<String> summary = BundleDiff.summarize(examples, after);

    assertThat(summary).containsExactly("Provider/openai credential rotated");
    String all = String.join("; ", summary);
    for (String secret : List.of(oldSecret, newSecret)) {
      assertThat(all).doesNotContain(secret).doesNotContain(new SecretValue(secret).fingerprint())
          .doesNotContain(new SecretValue(secret).fingerprint().substring("sha256:".length()));
    }
  }

  @Test
  void providerBaseUrlAndCredentialsAddedOrRemoved() {
    PolicyBundle after = edited(dir -> {
      edit(dir.resolve("providers.yaml"), "http://127.0.0.1:18081/v1", "http://127.0.0.1:18091/v1");
      edit(dir.resolve("providers.yaml"), "https://api.openai.com/v1\n  connectTimeout: 5s\n  credentials:\n"
          + "    header: Authorization\n    prefix: \"Bearer \"\n    secretFile: secrets/openai-api-key\n",
          "https://api.openai.com:8443/v1\n  connectTimeout: 5s\n");
    });
    assertThat(BundleDiff.summarize(examples, after)).containsExactly(
        "Provider/mock-a baseUrl http://127.0.0.1:18081/v1→http://127.0.0.1:18091/v1",
        "Provider/openai baseUrl https://api.openai.com/v1→https://api.openai.com:8443/v1, -credentials");
    assertThat(BundleDiff.summarize(after, examples)).last().isEqualTo(
        "Provider/openai baseUrl https://api.openai.com:8443/v1→https://api.openai.com/v1, +credentials");
  }

  @Test
  void apiChangeIsListed() {
    assertThat(diff(dir -> edit(dir.resolve("providers.yaml"), "baseUrl: https://api.openai.com/v1",
        "baseUrl: https://api.openai.com/v1\n  api: anthropic")))
        .containsExactly("Provider/openai api openai→anthropic");
  }

  @Test
  void loadBalancingChangeIsListed() {
    assertThat(diff(dir -> edit(dir.resolve("providers.yaml"), "http://127.0.0.1:18081/v1",
        "http://127.0.0.1:18081/v1\n  loadBalancing: maglev")))
        .containsExactly("Provider/mock-a loadBalancing round_robin→maglev");
  }

  @Test
  void documentsAddedAndRemovedInKindThenNameOrder() {
    PolicyBundle after = edited(dir -> {
      edit(dir.resolve("routes.yaml"), "name: gpt-4o\n", "name: gpt4o\n");
      write(dir.resolve("embeddings.yaml"), """
          apiVersion: llm-xds.io/v1alpha1
          kind: ModelRoute
          metadata:
            name: embeddings
          spec:
            models: [text-embedding-3-small]
            backends:
              - provider: openai
                weight: 1
          """);
    });
    PolicyBundle noLimits = new PolicyBundle(after.gateway(), after.providers(), after.modelRoutes(), List.of(),
        after.contextPolicies());
    assertThat(BundleDiff.summarize(examples, noLimits))
        .containsExactly("+ModelRoute/embeddings", "-ModelRoute/gpt-4o", "+ModelRoute/gpt4o", "-RateLimit/default");
  }

  @Test
  void contextSchemaChange() {
    assertThat(diff(dir -> {
      edit(dir.resolve("context.yaml"), "schema: v1", "schema: v2");
      edit(dir.resolve("context.yaml"), "mode: strict", "mode: v1_v2_migration");
    })).containsExactly("ContextPolicy/default schema v1→v2, mode strict→v1_v2_migration");
  }

  @Test
  void gatewayChangesAcrossKinds() {
    assertThat(diff(dir -> {
      edit(dir.resolve("gateway.yaml"), "port: 10000", "port: 10001");
      edit(dir.resolve("gateway.yaml"), "requestBufferLimit: 8Mi", "requestBufferLimit: 16Mi");
      edit(dir.resolve("context.yaml"), "maxTurns: 20", "maxTurns: 10");
    })).containsExactly(
        "ContextPolicy/default maxTurns 20→10",
        "Gateway/edge listener port 10000→10001, requestBufferLimit 8Mi→16Mi");
  }

  @Test
  void longEntriesAreCut() {
    ModelRoute chat = examples.modelRoute("chat").orElseThrow();
    List<String> models = IntStream.range(0, 40).mapToObj(i -> "model-number-" + i).toList();
    ModelRoute many = new ModelRoute(chat.name(), models, chat.backends(), chat.fallbacks(), chat.retry(),
        chat.timeout(), chat.contextPolicy());

    String entry = BundleDiff.summarize(examples, withRoutes(many, examples.modelRoutes().get(1))).get(0);

    assertThat(entry).hasSize(BundleDiff.MAX_ENTRY_LENGTH).startsWith("ModelRoute/chat models -chat, -gpt-4o-mini, +model-number-0, ")
        .endsWith("…");
  }

  private List<String> diff(Consumer<Path> change) {
    return BundleDiff.summarize(examples, edited(change));
  }

  private PolicyBundle edited(Consumer<Path> change) {
    Path dir = PolicyDirs.copyExamples(temp.resolve("after"));
    change.accept(dir);
    return TestPolicies.loaded(dir).bundle();
  }

  private PolicyBundle withRoutes(ModelRoute... routes) {
    return new PolicyBundle(examples.gateway(), examples.providers(), List.of(routes), examples.rateLimits(),
        examples.contextPolicies());
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
