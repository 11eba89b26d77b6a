package io.llmxds.filters.config;

import static io.llmxds.filters.testing.TestDataPath.memoryStore;
import static io.llmxds.filters.testing.TestDataPath.route;
import static io.llmxds.filters.testing.TestDataPath.routeWithoutPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.llmxds.common.DataPathConfig;
import io.llmxds.filters.auth.Consumer;
import io.llmxds.filters.auth.ConsumerTable;
import io.llmxds.filters.auth.Consumers;
import io.llmxds.filters.auth.KeyHash;
import io.llmxds.filters.config.Candidate.Missing;
import io.llmxds.filters.testing.TestDataPath;
import io.llmxds.filters.testing.TestDataPath.Config;
import io.llmxds.filters.testing.TestDataPath.Policy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** docs/data-path-config.md "RDS: the consumer table" and "SDS", read back: what the service takes, and refuses. */
class ConsumerTableDecodingTest {
  private static final String WHERE = "RouteConfiguration llm-xds/context virtual host models: io.llmxds.consumers";

  private static Config config(TestDataPath.Consumer... consumers) {
    return Config.of("1", List.of(memoryStore()), route("chat", Policy.of("p", "memory"), "gpt-4o"),
        routeWithoutPolicy("embed", "text-embedding-3")).withConsumers(consumers);
  }

  private static ModelTable decode(RouteConfiguration table) throws ConfigException {
    return ModelTables.decode(List.of(Any.pack(table)));
  }

  /** The table of {@code config} with consumer {@code name}'s struct changed. */
  private static RouteConfiguration editConsumer(Config config, String name, UnaryOperator<Struct.Builder> edit) {
    RouteConfiguration.Builder table = config.table().toBuilder();
    var metadata = table.getVirtualHostsBuilder(0).getMetadataBuilder();
    Struct consumers = metadata.getFilterMetadataOrThrow(DataPathConfig.CONSUMERS_METADATA);
    Struct.Builder changed = edit.apply(consumers.getFieldsOrThrow(name).getStructValue().toBuilder());
    metadata.putFilterMetadata(DataPathConfig.CONSUMERS_METADATA, consumers.toBuilder()
        .putFields(name, Value.newBuilder().setStructValue(changed).build()).build());
    return table.build();
  }

  private static Value text(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  @Test
  void consumersCarryTierRoutesLabelsAndTheirKeysSecretAndPolicyLessRoutesAreRoutes() throws Exception {
    ModelTable table = decode(config(TestDataPath.Consumer.of("a", "k").withTier("gold").allowedOnly("embed")
        .withLabels(Map.of("team", "search")), TestDataPath.Consumer.of("b", "k2")).table());

    assertThat(table.consumers()).hasValue(Map.of(
        "a", new Consumer("a", "gold", Optional.of(Set.of("embed")), Map.of("team", "search"), "consumer/a/keys"),
        "b", new Consumer("b", "default", Optional.empty(), Map.of(), "consumer/b/keys")));
    assertThat(table.routes()).extracting(TableRoute::name).containsExactly("chat", "embed");
    assertThat(table.routes().get(1).policy()).isEmpty();
    assertThat(decode(Config.of("1", List.of(memoryStore()), route("chat", Policy.of("p", "memory"), "m")).table())
        .consumers()).as("anonymous").isEmpty();
    Config noTier = config(TestDataPath.Consumer.of("a", "k"));
    assertThat(decode(editConsumer(noTier, "a", s -> s.removeFields(DataPathConfig.CONSUMER_TIER))).consumers()
        .orElseThrow().get("a").tier()).isEqualTo("default");
  }

  @Test
  void aConsumerTableThatDoesNotSayWhatItMeansIsRefusedNamingTheField() {
    Config config = config(TestDataPath.Consumer.of("a", "k"));
    assertThatThrownBy(() -> decode(editConsumer(config, "a",
        s -> s.putFields(DataPathConfig.CONSUMER_KEYS_SECRET, text("consumer/b/keys")))))
        .hasMessage(WHERE + ".a.keys_secret must be consumer/a/keys");
    assertThatThrownBy(() -> decode(editConsumer(config, "a", s -> s.removeFields("keys_secret"))))
        .hasMessage(WHERE + ".a.keys_secret missing");
    assertThatThrownBy(() -> decode(editConsumer(config, "a", s -> s.putFields("model_routes",
        Value.newBuilder().setListValue(ListValue.newBuilder().addValues(text("chat")).addValues(text("gone")))
            .build()))))
        .hasMessage(WHERE + ".a.model_routes names 'gone', which is no route of the table");
    assertThatThrownBy(() -> decode(editConsumer(config, "a", s -> s.putFields("model_routes", text("chat")))))
        .hasMessage(WHERE + ".a.model_routes must be a list of strings");
    assertThatThrownBy(() -> decode(editConsumer(config, "a", s -> s.putFields("labels", Value.newBuilder()
        .setStructValue(Struct.newBuilder().putFields("team", Value.newBuilder().setNumberValue(3).build()))
        .build()))))
        .hasMessage(WHERE + ".a.labels.team must be a non-empty string");
    RouteConfiguration.Builder notAStruct = config.table().toBuilder();
    notAStruct.getVirtualHostsBuilder(0).getMetadataBuilder().putFilterMetadata(DataPathConfig.CONSUMERS_METADATA,
        Struct.newBuilder().putFields("a", text("gold")).build());
    assertThatThrownBy(() -> decode(notAStruct.build())).hasMessage(WHERE + ".a must be a struct");
    RouteConfiguration.Builder twice = config.table().toBuilder();
    twice.getVirtualHostsBuilder(0).addRoutes(config.table().getVirtualHosts(0).getRoutes(0));
    assertThatThrownBy(() -> decode(twice.build()))
        .hasMessage("RouteConfiguration llm-xds/context route chat: every route is named by its ModelRoute, once");
  }

  @Test
  void aConsumersKeysSecretIsAwaitedAndAssembledIntoTheTable() throws Exception {
    Config config = config(TestDataPath.Consumer.of("a", "key-1", "key-2"));
    ModelTable table = decode(config.table());
    var stores = StoreClusters.decode(config.clusters().stream().map(Any::pack).toList());

    Candidate waiting = new Candidate(stores, Optional.of(table), Secrets.NONE);
    assertThat(waiting.missing()).containsExactly(new Missing("secret consumer/a/keys (named by consumer a)",
        "consumer/a/keys", Optional.of(ResourceType.RDS), ResourceType.SDS));

    Secrets secrets = Secrets.decode(config.secrets().stream().map(Any::pack).toList());
    Candidate complete = new Candidate(stores, Optional.of(table), secrets);
    assertThat(complete.missing()).isEmpty();
    ConsumerTable consumers = complete.assemble().consumers().orElseThrow();
    assertThat(consumers.keys().get("a")).hasSize(2);
    Consumers verifier = new Consumers(consumers);
    assertThat(verifier.byKey("key-2").map(Consumer::name)).hasValue("a");
    assertThat(verifier.byKey("key-2").map(Consumer::name)).as("remembered").hasValue("a");
    assertThat(verifier.byKey("key-3")).isEmpty();
    assertThat(verifier.byKey("key-")).isEmpty();
  }

  @Test
  void keyHashLinesAreTheSchemeSaltAndHashInHexAndBlankLinesAreSkipped() {
    String salt = "00112233445566778899AABBCCDDEEFF";
    String hash = "ab".repeat(32);
    assertThat(KeyHash.parseLines("\nsha256$" + salt + "$" + hash + "\n\n"))
        .containsExactly(new KeyHash(salt.toLowerCase(), hash));
    assertThatThrownBy(() -> KeyHash.parseLines("sha256$" + salt + "$" + hash + "\nsha1$" + salt + "$" + hash))
        .hasMessage("line 2 is not sha256$<32 hex digits of salt>$<64 hex digits of SHA-256>");
    assertThatThrownBy(() -> KeyHash.parseLines("sha256$abc$" + hash)).hasMessageStartingWith("line 1 ");
  }
}
