package io.llmxds.filters.config;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.llmxds.common.DataPathConfig;
import io.llmxds.filters.auth.KeyHash;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SDS as the data path reads it (docs/data-path-config.md "SDS"): generic secrets, inline — a store's password
 * ({@code context-store/<store>/password}) or a consumer's key hashes ({@code consumer/<name>/keys}, one
 * {@code sha256$<salt>$<hash>} per line). Errors name the secret (and a line by its number), never a value.
 *
 * @param passwords the other secrets' values by secret name
 * @param keys the key-hash secrets, parsed, by secret name
 */
record Secrets(Map<String, String> passwords, Map<String, List<KeyHash>> keys) {
  static final Secrets NONE = new Secrets(Map.of(), Map.of());

  Secrets {
    passwords = Map.copyOf(passwords);
    keys = Map.copyOf(keys);
  }

  boolean has(String name) {
    return passwords.containsKey(name) || keys.containsKey(name);
  }

  static Secrets decode(List<Any> resources) throws ConfigException {
    Map<String, String> passwords = new LinkedHashMap<>();
    Map<String, List<KeyHash>> keys = new LinkedHashMap<>();
    for (Any any : resources) {
      Secret secret = XdsResources.unpack(any, Secret.class);
      DataSource value = secret.getGenericSecret().getSecret();
      if (!secret.hasGenericSecret() || !(value.hasInlineString() || value.hasInlineBytes())) {
        throw new ConfigException("Secret " + secret.getName() + ": a store password or a consumer's keys is a "
            + "generic_secret with an inline secret");
      }
      String text = value.hasInlineString() ? value.getInlineString()
          : value.getInlineBytes().toString(StandardCharsets.UTF_8);
      if (isKeysSecret(secret.getName())) {
        try {
          keys.put(secret.getName(), KeyHash.parseLines(text));
        } catch (IllegalArgumentException e) {
          throw new ConfigException("Secret " + secret.getName() + ": generic_secret.secret " + e.getMessage());
        }
      } else {
        passwords.put(secret.getName(), text);
      }
    }
    return new Secrets(passwords, keys);
  }

  private static boolean isKeysSecret(String name) {
    return name.startsWith(DataPathConfig.CONSUMER_SECRET_PREFIX) && name.endsWith(DataPathConfig.KEYS_SECRET_SUFFIX);
  }
}
