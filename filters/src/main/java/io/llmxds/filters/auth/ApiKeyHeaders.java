package io.llmxds.filters.auth;

import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.llmxds.common.GatewayIdentity;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where the SDKs send an API key: {@code authorization: Bearer <key>} (OpenAI; the scheme in any case), else
 * {@code x-api-key} (Anthropic), else {@code api-key} (Azure OpenAI). The first header that carries a key decides:
 * a wrong key in it is not saved by a right one further down.
 */
final class ApiKeyHeaders {
  private static final String BEARER = "bearer ";

  private ApiKeyHeaders() {}

  /**
   * The request headers of a {@code CheckRequest} by lower-case name: Envoy sends them in {@code headers} (values
   * of a repeated header joined by {@code ,}), or with {@code encode_raw_headers} in {@code header_map}
   * (docs/envoy-semantics.md EA1).
   */
  static Map<String, String> of(AttributeContext.HttpRequest http) {
    Map<String, String> headers = new HashMap<>();
    http.getHeadersMap().forEach((name, value) -> headers.putIfAbsent(name.toLowerCase(Locale.ROOT), value));
    for (HeaderValue header : http.getHeaderMap().getHeadersList()) {
      headers.putIfAbsent(header.getKey().toLowerCase(Locale.ROOT), header.getRawValue().isEmpty()
          ? header.getValue() : header.getRawValue().toStringUtf8());
    }
    return headers;
  }

  /** @param headers the request headers by lower-case name */
  static Optional<String> keyOf(Map<String, String> headers) {
    Optional<String> bearer = Optional.ofNullable(headers.get(GatewayIdentity.AUTHORIZATION_HEADER))
        .map(String::strip)
        .filter(value -> value.regionMatches(true, 0, BEARER, 0, BEARER.length()))
        .map(value -> value.substring(BEARER.length()).strip())
        .filter(key -> !key.isEmpty());
    return bearer.or(() -> nonBlank(headers.get(GatewayIdentity.X_API_KEY_HEADER)))
        .or(() -> nonBlank(headers.get(GatewayIdentity.API_KEY_HEADER)));
  }

  private static Optional<String> nonBlank(String value) {
    return Optional.ofNullable(value).map(String::strip).filter(v -> !v.isEmpty());
  }
}
