package io.llmxds.cp.policy;

import io.llmxds.common.DataPathConfig;
import io.llmxds.common.GatewayIdentity;
import io.llmxds.cp.policy.Consumer.ApiKey;
import io.llmxds.cp.policy.MappingReader.Entry;
import io.llmxds.cp.policy.MappingReader.Item;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Reads a Consumer's spec, including the key files its {@code apiKeys} name. */
final class ConsumerSpec {

  private static final String BY_FILE = "API keys are referenced by file (spec.apiKeys[].file), never written inline";
  static final FieldSet FIELDS = inlineKeysRejected(FieldSet.of("tier", "modelRoutes", "labels", "apiKeys"));
  private static final FieldSet API_KEY = inlineKeysRejected(FieldSet.of("name", "file"));
  /** A label value or a tier: it becomes a header value (the tier) or a span attribute, so no control characters. */
  private static final Conversion<String> TEXT = Values.NON_EMPTY_STRING.then(ConsumerSpec::withoutControls);

  private ConsumerSpec() {}

  private record KeyFile(String file, SecretValue contents) {}

  static Optional<Consumer> decode(String name, MappingReader spec, ReferencedFiles files) {
    // Any tier a RateLimit names (its tier names are free text); BundleChecks makes sure one does.
    String tier = spec.optional("tier", TEXT, GatewayIdentity.DEFAULT_TIER);
    Optional<List<String>> routes = spec.optionalList("modelRoutes", Values.NAME).map(items -> {
      if (items.isEmpty()) {
        spec.error("modelRoutes", "an empty list allows no ModelRoute: omit modelRoutes to allow every one");
      }
      items.forEach(i -> spec.scope().refer(Kind.MODEL_ROUTE, i.value(), i.path()));
      return items.stream().map(Item::value).toList();
    });
    Map<String, String> labels = new LinkedHashMap<>();
    for (Entry entry : spec.optionalEntries("labels")) {
      if (!Values.isName(entry.key())) {
        spec.scope().error(entry.keyLocation(), entry.path(), "a label name is lowercase letters, digits, '-'"
            + " and '.', starting and ending with a letter or digit, at most 63 characters");
      }
      spec.convert(new Item<>(entry.path(), entry.value()), TEXT).ifPresent(v -> labels.put(entry.key(), v));
    }
    List<ApiKey> keys = apiKeys(name, spec, files);
    return spec.build(() -> new Consumer(name, tier, routes, labels, keys));
  }

  private static List<ApiKey> apiKeys(String consumer, MappingReader spec, ReferencedFiles files) {
    List<ApiKey> keys = new ArrayList<>();
    Map<String, String> names = new HashMap<>();
    for (MappingReader key : spec.requiredMappings("apiKeys", API_KEY)) {
      Optional<String> name = key.required("name", Values.NAME);
      name.ifPresent(n -> {
        String first = names.putIfAbsent(n, key.pathOf("name"));
        if (first != null) {
          key.error("name", "key name \"" + n + "\" is used twice (also at " + first + ")");
        }
      });
      Optional<KeyFile> file = key.required("file",
          Values.NON_EMPTY_STRING.then(f -> new KeyFile(f, files.secret(f))));
      name.flatMap(n -> file.flatMap(f -> apiKey(consumer, n, f.file(), f.contents().reveal().strip(), key)))
          .ifPresent(keys::add);
    }
    return keys;
  }

  /** A key file holds either a stored hash or the key itself; its contents are never quoted. */
  private static Optional<ApiKey> apiKey(String consumer, String name, String file, String text, MappingReader key) {
    if (text.startsWith(DataPathConfig.KEY_HASH_SCHEME)) {
      if (!ApiKeyHashes.isHash(text)) {
        key.error("file", "key file \"" + file + "\" starts like a stored hash but is not one:"
            + " expected sha256$<32 lowercase hex digits of salt>$<64 lowercase hex digits of digest>"
            + " (llm-xds hash-key prints one)");
        return Optional.empty();
      }
      return Optional.of(new ApiKey(name, file, new SecretValue(text), Optional.empty()));
    }
    Optional<String> invalid = ApiKeyHashes.invalidKey(text);
    if (invalid.isPresent()) {
      key.error("file", "key file \"" + file + "\" " + invalid.get());
      return Optional.empty();
    }
    return Optional.of(new ApiKey(name, file, new SecretValue(ApiKeyHashes.derived(consumer, name, text)),
        Optional.of(new SecretValue(text))));
  }

  private static String withoutControls(String text) throws InvalidValue {
    if (text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new InvalidValue("must not contain control characters");
    }
    return text;
  }

  /** Anything but the known fields that mentions a key is most likely a key pasted inline: say so. */
  private static FieldSet inlineKeysRejected(FieldSet fields) {
    return fields.unknownFieldsMean(name -> name.toLowerCase(Locale.ROOT).contains("key")
        ? "unknown field \"" + name + "\": " + BY_FILE : fields.unknownReason().apply(name));
  }
}
