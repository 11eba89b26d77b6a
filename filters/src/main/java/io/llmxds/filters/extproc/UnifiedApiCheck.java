package io.llmxds.filters.extproc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmxds.filters.config.TableRoute;
import io.llmxds.filters.unified.ApiTranslation;
import io.llmxds.filters.unified.Untranslatable;
import io.llmxds.filters.unified.WireApi;
import java.util.Optional;

/**
 * The downstream phase's check that every provider a route may send a request to can be given it: a request the
 * codec cannot translate, or an endpoint a provider's API does not offer, is refused with a 400 naming the field
 * before any try. The upstream phase cannot refuse it (an upstream ext_proc's immediate response is ignored,
 * docs/envoy-semantics.md U4), and which backend and fallback a request meets is Envoy's choice, so the check covers
 * them all.
 */
final class UnifiedApiCheck {

  private UnifiedApiCheck() {}

  static Optional<RequestFields.Invalid> check(LlmApi client, ObjectNode body, TableRoute route) {
    for (String wire : route.providerApis()) {
      Optional<ProviderApi> provider = ProviderApi.of(wire);
      if (provider.isEmpty()) {
        continue; // an API this service does not know: the provider judges
      }
      if (!provider.get().offers(client)) {
        return Optional.of(new RequestFields.Invalid("", "model route '" + route.name() + "' may send this request to"
            + " a provider of the " + wire + " API, which does not offer " + client.path));
      }
      Optional<WireApi> format = client.chatFormat();
      Optional<ApiTranslation> translation =
          format.flatMap(f -> ApiTranslation.between(f, provider.get().chat));
      if (translation.isPresent()) {
        try {
          translation.get().request(body);
        } catch (Untranslatable e) {
          return Optional.of(new RequestFields.Invalid(e.field(), "'" + e.field() + "' cannot be translated to the "
              + wire + " API of a provider of model route '" + route.name() + "': " + e.reason()));
        }
      }
    }
    return Optional.empty();
  }
}
