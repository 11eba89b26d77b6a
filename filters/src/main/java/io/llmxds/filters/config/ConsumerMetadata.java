package io.llmxds.filters.config;

import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.llmxds.common.DataPathConfig;
import io.llmxds.common.GatewayIdentity;
import io.llmxds.filters.auth.Consumer;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The consumer table in the virtual host's metadata (docs/data-path-config.md "RDS: the consumer table"): one field
 * per consumer, {@code {tier, model_routes, labels, keys_secret}}. Absent: an anonymous gateway.
 */
final class ConsumerMetadata {
  /** A consumer's name goes into a request header: a visible ASCII token. */
  private static final Pattern NAME = Pattern.compile("[\\x21-\\x7e]{1,253}");

  private ConsumerMetadata() {}

  /** @param routes the table's route names: a consumer may only name those */
  static Optional<Map<String, Consumer>> decode(Metadata metadata, String resource, Set<String> routes)
      throws ConfigException {
    if (!metadata.getFilterMetadataMap().containsKey(DataPathConfig.CONSUMERS_METADATA)) {
      return Optional.empty();
    }
    MetadataFields table = MetadataFields.of(metadata, DataPathConfig.CONSUMERS_METADATA, resource);
    Map<String, Consumer> consumers = new LinkedHashMap<>();
    for (String name : table.keys()) {
      if (!NAME.matcher(name).matches()) {
        throw new ConfigException(resource + ": " + DataPathConfig.CONSUMERS_METADATA + ": a consumer's name is 1 to "
            + "253 visible ASCII characters (it is sent as " + GatewayIdentity.CONSUMER_HEADER + ")");
      }
      consumers.put(name, consumer(name, table.struct(name), routes));
    }
    return Optional.of(consumers);
  }

  private static Consumer consumer(String name, MetadataFields fields, Set<String> routes) throws ConfigException {
    String keysSecret = fields.string(DataPathConfig.CONSUMER_KEYS_SECRET);
    if (!keysSecret.equals(DataPathConfig.keysSecret(name))) {
      throw new ConfigException(fields.where() + "." + DataPathConfig.CONSUMER_KEYS_SECRET + " must be "
          + DataPathConfig.keysSecret(name));
    }
    Optional<List<String>> allowed = fields.optionalStrings(DataPathConfig.CONSUMER_MODEL_ROUTES);
    for (String route : allowed.orElse(List.of())) {
      if (!routes.contains(route)) {
        throw new ConfigException(fields.where() + "." + DataPathConfig.CONSUMER_MODEL_ROUTES + " names '" + route
            + "', which is no route of the table");
      }
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (fields.has(DataPathConfig.CONSUMER_LABELS)) {
      MetadataFields labelFields = fields.struct(DataPathConfig.CONSUMER_LABELS);
      for (String label : labelFields.keys()) {
        labels.put(label, labelFields.string(label));
      }
    }
    return new Consumer(name,
        fields.optionalString(DataPathConfig.CONSUMER_TIER).orElse(GatewayIdentity.DEFAULT_TIER),
        allowed.map(LinkedHashSet::new), labels, keysSecret);
  }
}
