package io.llmxds.cp.policy;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A client of the gateway, known by its API keys: who it is (its name, set by the gateway as the consumer header),
 * its tier (which limits apply), the ModelRoutes it may call, and labels for attribution.
 *
 * @param tier {@code default} when the policy names none
 * @param modelRoutes the ModelRoutes it may call, sorted; empty = every ModelRoute
 * @param labels attribution labels (team, org, ...), sorted by key
 * @param apiKeys its keys, by name: several during a rotation
 */
public record Consumer(
    String name,
    String tier,
    Optional<List<String>> modelRoutes,
    Map<String, String> labels,
    List<ApiKey> apiKeys) {

  public Consumer {
    modelRoutes = modelRoutes.map(routes -> routes.stream().sorted().toList());
    labels = Collections.unmodifiableMap(new TreeMap<>(labels));
    apiKeys = List.copyOf(apiKeys);
  }

  /**
   * One API key, as the policy references it.
   *
   * @param file the file it was read from, as written in the policy (relative to the policy directory)
   * @param hash the salted hash the gateway checks ({@code sha256$<salt>$<digest>}): the file's own when it holds
   *     one, else derived from the key with a salt fixed by the consumer and key name (so the config is stable)
   * @param plaintext the key itself when the file holds it (never served; only to find a key given to two
   *     consumers)
   */
  public record ApiKey(String name, String file, SecretValue hash, Optional<SecretValue> plaintext) {}
}
