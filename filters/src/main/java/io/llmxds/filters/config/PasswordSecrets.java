package io.llmxds.filters.config;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** SDS as the data path reads it: each store password is a generic secret, inline (docs/data-path-config.md). */
final class PasswordSecrets {

  private PasswordSecrets() {}

  /** The passwords by secret name. Errors name the secret, never its value. */
  static Map<String, String> decode(List<Any> resources) throws ConfigException {
    Map<String, String> passwords = new LinkedHashMap<>();
    for (Any any : resources) {
      Secret secret = XdsResources.unpack(any, Secret.class);
      DataSource value = secret.getGenericSecret().getSecret();
      if (!secret.hasGenericSecret() || !(value.hasInlineString() || value.hasInlineBytes())) {
        throw new ConfigException("Secret " + secret.getName() + ": a store password is a generic_secret with an "
            + "inline secret");
      }
      passwords.put(secret.getName(), value.hasInlineString() ? value.getInlineString()
          : value.getInlineBytes().toString(StandardCharsets.UTF_8));
    }
    return passwords;
  }
}
