package io.llmxds.cp.verify.load;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.extensions.http.early_header_mutation.header_mutation.v3.HeaderMutation;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.util.ArrayList;
import java.util.List;

/** What the HttpConnectionManager checks of its {@code early_header_mutation_extensions}. */
final class EarlyHeaderMutationRules {

  private EarlyHeaderMutationRules() {}

  /**
   * Each extension's factory is found by its {@code typed_config}'s type (the name only names it,
   * {@link FilterFactories}); v1.34.0 registers one, {@code header_mutation} (header_mutation/config.cc:23).
   */
  static final Each<TypedExtensionConfig> FACTORY = Each.rejects(
      "source/extensions/filters/network/http_connection_manager/config.cc:529-536", EarlyHeaderMutationRules::all,
      Each.reasonAt(Where.root().field("typed_config"), extension -> isHeaderMutation(extension.getTypedConfig())
          ? null : "Early header mutation extension not found: '" + extension.getName() + "'"));

  /** The extensions of every HttpConnectionManager, each where it is. */
  static List<Located<TypedExtensionConfig>> all(LoadedConfig config) {
    return config.memo(EarlyHeaderMutationRules.class, () -> {
      List<Located<TypedExtensionConfig>> all = new ArrayList<>();
      for (Located<HttpConnectionManager> hcm : config.hcms()) {
        List<TypedExtensionConfig> extensions = hcm.item().getEarlyHeaderMutationExtensionsList();
        for (int i = 0; i < extensions.size(); i++) {
          all.add(new Located<>(hcm.resource(), hcm.where().item("early_header_mutation_extensions", i),
              extensions.get(i)));
        }
      }
      return all;
    });
  }

  /** The header mutations of the extensions the factory builds (their appends are header entries, HeaderRules). */
  static List<Located<HeaderMutation>> mutations(LoadedConfig config) {
    List<Located<HeaderMutation>> found = new ArrayList<>();
    for (Located<TypedExtensionConfig> at : all(config)) {
      config.unpack(at.item().getTypedConfig(), HeaderMutation.class).ifPresent(m -> found.add(new Located<>(
          at.resource(), at.where().field("typed_config").unpacked(HeaderMutation.getDescriptor()), m)));
    }
    return found;
  }

  private static boolean isHeaderMutation(Any config) {
    return config.getTypeUrl().endsWith("/" + HeaderMutation.getDescriptor().getFullName());
  }
}
