package io.llmxds.cp.policy;

import io.llmxds.cp.policy.Durations.Rule;
import io.llmxds.cp.policy.Provider.Api;
import io.llmxds.cp.policy.Provider.Credentials;
import io.llmxds.cp.policy.Provider.LoadBalancing;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;

/** Reads a Provider's spec, including the secret its credentials name. */
final class ProviderSpec {

  static final FieldSet FIELDS = FieldSet.of("baseUrl", "api", "connectTimeout", "sni", "tls", "loadBalancing",
      "credentials");
  private static final FieldSet TLS = FieldSet.of("caFile");
  /** Anything but these three under credentials is most likely a secret pasted inline: say so. */
  private static final FieldSet CREDENTIALS = FieldSet.of("header", "prefix", "secretFile")
      .unknownFieldsMean(name -> "unknown field \"" + name + "\": inline secrets are not allowed; use secretFile");

  private static final Conversion<BaseUrl> BASE_URL = Values.STRING.then(ProviderSpec::baseUrl);
  private static final Conversion<String> HEADER_VALUE_PART = Values.STRING.then(ProviderSpec::headerValuePart);

  private ProviderSpec() {}

  /** The parts of a base URL a provider is made of. */
  private record BaseUrl(String host, int port, boolean tls, String pathPrefix) {}

  private record SecretRef(String file, SecretValue value) {}

  static Optional<Provider> decode(String name, MappingReader spec, ReferencedFiles files) {
    Optional<BaseUrl> url = spec.required("baseUrl", BASE_URL);
    Api api = spec.optional("api", Values.oneOf(Api.values(), Api::wire), Api.OPENAI);
    Duration connectTimeout = spec.optional("connectTimeout", Values.duration(Rule.POSITIVE), Duration.ofSeconds(5));
    Optional<String> sni = spec.optional("sni", Values.HOST);
    LoadBalancing loadBalancing = spec.optional("loadBalancing",
        Values.oneOf(LoadBalancing.values(), LoadBalancing::wire), LoadBalancing.ROUND_ROBIN);
    if (sni.isPresent() && url.isPresent() && !url.get().tls()) {
      spec.error("sni", "sni is only valid with an https baseUrl");
    }
    Optional<PemCertificates> ca = spec.optionalMapping("tls", TLS)
        .flatMap(t -> t.required("caFile", Values.NON_EMPTY_STRING.then(files::certificates)));
    if (ca.isPresent() && url.isPresent() && !url.get().tls()) {
      spec.error("tls", "tls is only valid with an https baseUrl");
    }
    Optional<Credentials> credentials =
        spec.optionalMapping("credentials", CREDENTIALS).flatMap(c -> credentials(c, files, api));
    return spec.build(() -> {
      BaseUrl base = url.get();
      // TLS forbids an IP address as SNI (RFC 6066 3): an IP host sends none unless the policy names one.
      String serverName = base.tls() ? sni.orElse(Values.isIpLiteral(base.host()) ? "" : base.host()) : "";
      return new Provider(name, base.host(), base.port(), base.tls(), serverName, ca, base.pathPrefix(),
          connectTimeout, loadBalancing, credentials, api);
    });
  }

  /** The header defaults to the API's convention: {@code Authorization: Bearer} (OpenAI), {@code x-api-key}. */
  private static Optional<Credentials> credentials(MappingReader c, ReferencedFiles files, Api api) {
    String header = c.optional("header", Values.HEADER_NAME, api == Api.ANTHROPIC ? "x-api-key" : "Authorization");
    String prefix = c.optional("prefix", HEADER_VALUE_PART, header.equalsIgnoreCase("Authorization") ? "Bearer " : "");
    Optional<SecretRef> secret = c.required(
        "secretFile", Values.NON_EMPTY_STRING.then(file -> new SecretRef(file, files.secret(file))));
    return secret.map(s -> new Credentials(header, prefix, s.file(), s.value()));
  }

  private static String headerValuePart(String text) throws InvalidValue {
    if (text.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
      throw new InvalidValue("must not contain control characters (it becomes part of a header value)");
    }
    return text;
  }

  private static BaseUrl baseUrl(String text) throws InvalidValue {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new InvalidValue("is not a valid URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new InvalidValue("must be an http:// or https:// URL (got scheme \"" + scheme + "\")");
    }
    if (uri.getRawUserInfo() != null) {
      throw new InvalidValue("must not contain user info; credentials belong in credentials.secretFile");
    }
    if (uri.getHost() == null) {
      throw new InvalidValue("has no valid host");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new InvalidValue("must not have a query or a fragment");
    }
    boolean tls = scheme.equals("https");
    int port = uri.getPort() == -1 ? (tls ? 443 : 80) : uri.getPort();
    String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
    String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
    return new BaseUrl(host, port, tls, path);
  }
}
