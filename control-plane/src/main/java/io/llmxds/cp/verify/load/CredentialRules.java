package io.llmxds.cp.verify.load;

import io.envoyproxy.envoy.extensions.filters.http.credential_injector.v3.CredentialInjector;
import io.envoyproxy.envoy.extensions.http.injected_credentials.generic.v3.Generic;
import java.util.List;
import java.util.Set;

/** What the credential injector's factory checks, downstream and upstream alike. */
final class CredentialRules {

  private static final Set<String> INJECTORS = Set.of(FilterFactories.name(Generic.class),
      "envoy.extensions.http.injected_credentials.oauth2.v3.OAuth2");

  private CredentialRules() {}

  /**
   * {@code CredentialInjectorFilterFactory}: the {@code credential} extension is found by its type among the
   * credential injectors (generic and oauth2 at v1.34.0).
   */
  static final Each<CredentialInjector> TYPE_REGISTERED = Each.rejects(
      "source/extensions/filters/http/credential_injector/config.cc:22-29", CredentialRules::configs,
      Each.reasonAt(Where.root().field("credential").field("typed_config"), injector -> {
        String type = LoadedConfig.typeName(injector.getCredential().getTypedConfig());
        return INJECTORS.contains(type) || !(type.isEmpty() || FilterFactories.judges(type)) ? null
            : "Didn't find a registered implementation for '" + injector.getCredential().getName()
                + "' with type URL: '" + type + "'";
      }));

  /**
   * llm-xds's rule: the generic credential comes over SDS. Without {@code sds_config} it names a static secret of
   * Envoy's bootstrap, which llm-xds cannot see; when the bootstrap has none, {@code findStaticGenericSecretProvider}
   * returns null (secret_manager_impl.cc:100-103) and Envoy calls {@code addUpdateCallback} on it.
   */
  static final Each<CredentialInjector> FROM_SDS = Each.own("source/common/secret/secret_provider_impl.cc:49-54",
      "dereferences a null secret provider when the bootstrap has no such secret", CredentialRules::configs,
      Each.reasonAt(Where.root().field("credential").field("typed_config").unpacked(Generic.getDescriptor())
          .field("credential").field("sds_config"), injector -> {
            Generic generic = parse(injector);
            return generic == null || generic.getCredential().hasSdsConfig() ? null : "the credential '"
                + generic.getCredential().getName() + "' has no sds_config, so it must be a static secret of "
                + "Envoy's bootstrap, which llm-xds cannot see";
          }));

  private static List<Located<CredentialInjector>> configs(LoadedConfig config) {
    return config.filterConfigs(CredentialInjector.class);
  }

  private static Generic parse(CredentialInjector injector) {
    if (!LoadedConfig.holds(injector.getCredential().getTypedConfig(), Generic.class)) {
      return null;
    }
    try {
      return injector.getCredential().getTypedConfig().unpack(Generic.class);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return null;
    }
  }
}
