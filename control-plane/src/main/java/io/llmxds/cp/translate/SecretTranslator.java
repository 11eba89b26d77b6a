package io.llmxds.cp.translate;

import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.GenericSecret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.Provider;
import java.util.List;

/**
 * SDS: one generic secret per provider credential that some cluster sends, holding the complete header value (prefix included) that
 * the upstream credential injector sends. This is the only place a secret's value is revealed.
 */
final class SecretTranslator {

  private SecretTranslator() {}

  /** Only the credentials some cluster's injector sends ({@link ProviderUses}): an unreferenced secret is dead. */
  static List<Secret> translate(PolicyBundle bundle) {
    ProviderUses uses = ProviderUses.of(bundle);
    return bundle.providers().stream()
        .filter(p -> p.credentials().isPresent() && uses.credentialSent(p.name()))
        .map(SecretTranslator::secret)
        .toList();
  }

  private static Secret secret(Provider provider) {
    Provider.Credentials credentials = provider.credentials().orElseThrow();
    return Secret.newBuilder()
        .setName(Names.credentialSecret(provider.name()))
        .setGenericSecret(GenericSecret.newBuilder()
            .setSecret(DataSource.newBuilder()
                .setInlineString(credentials.prefix() + credentials.secret().reveal())))
        .build();
  }
}
