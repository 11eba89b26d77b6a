package io.llmxds.cp.translate;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.llmxds.common.DataPathConfig;
import io.llmxds.cp.policy.Consumer;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The consumer table of the context-service flavor (docs/data-path-config.md): one struct per Consumer in the
 * virtual host's {@link DataPathConfig#CONSUMERS_METADATA} metadata, and each consumer's key hashes as the contents
 * of its SDS secret. The keys themselves are never served, only their salted hashes.
 */
final class ConsumerTable {

  private ConsumerTable() {}

  static Struct of(List<Consumer> consumers) {
    Struct.Builder table = Struct.newBuilder();
    for (Consumer consumer : consumers) {
      Struct.Builder fields = Struct.newBuilder()
          .putFields(DataPathConfig.CONSUMER_TIER, ContextServiceTranslator.string(consumer.tier()))
          .putFields(DataPathConfig.CONSUMER_KEYS_SECRET,
              ContextServiceTranslator.string(DataPathConfig.keysSecret(consumer.name())));
      consumer.modelRoutes().ifPresent(routes -> {
        ListValue.Builder list = ListValue.newBuilder();
        routes.forEach(r -> list.addValues(ContextServiceTranslator.string(r)));
        fields.putFields(DataPathConfig.CONSUMER_MODEL_ROUTES, Value.newBuilder().setListValue(list).build());
      });
      if (!consumer.labels().isEmpty()) {
        Struct.Builder labels = Struct.newBuilder();
        consumer.labels().forEach((k, v) -> labels.putFields(k, ContextServiceTranslator.string(v)));
        fields.putFields(DataPathConfig.CONSUMER_LABELS, Value.newBuilder().setStructValue(labels).build());
      }
      table.putFields(consumer.name(), Value.newBuilder().setStructValue(fields).build());
    }
    return table.build();
  }

  /** The secret's contents: one hash per line, sorted (a reordering of the policy's keys changes nothing). */
  static String keyHashes(Consumer consumer) {
    return consumer.apiKeys().stream().map(k -> k.hash().reveal()).sorted().collect(Collectors.joining("\n"));
  }
}
