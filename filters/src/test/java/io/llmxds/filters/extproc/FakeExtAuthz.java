package io.llmxds.filters.extproc;

import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.llmxds.common.GatewayIdentity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A model of Envoy v1.34's ext_authz filter over gRPC, as the edge configures it (first in the chain,
 * {@code failure_mode_allow: false}, {@code status_on_error: 503}, {@code allowed_headers} = the key headers,
 * {@code clear_route_cache: true}), calling a real {@code AuthorizationService}. It implements the rows EA1–EA6 of
 * docs/envoy-semantics.md and nothing else:
 * <ul>
 *   <li>EA1: the CheckRequest carries method, path, host and scheme, and of the headers only those
 *       {@code allowed_headers} names (by exact name), repeated values joined by {@code ,};</li>
 *   <li>EA2: OK applies each {@code headers} entry — replacing the header unless {@code append} is true — and then
 *       removes {@code headers_to_remove} (never a {@code :} header nor {@code host}); any mutation clears the route
 *       cache;</li>
 *   <li>EA3: denied (any status but OK) is Envoy's local reply: the denied status (403 when unset), body and
 *       headers;</li>
 *   <li>EA4: a failed RPC is a local reply of {@code status_on_error} with an empty body;</li>
 *   <li>EA5: header values are read from {@code value}; {@code raw_value} and {@code append_action} are not read;</li>
 *   <li>EA6: the call's initial metadata carries the trace context of Envoy's span for it (given by the caller).</li>
 * </ul>
 */
public final class FakeExtAuthz {
  private static final long WAIT_SECONDS = 10;

  /**
   * What of the filter's config the rows depend on.
   *
   * @param allowedHeaders the lower-case names {@code allowed_headers} matches exactly (EA1)
   * @param statusOnError the local reply's status when the RPC fails (EA4)
   * @param clearRouteCache whether a mutating OK clears the route cache (EA2)
   */
  public record Settings(List<String> allowedHeaders, int statusOnError, boolean clearRouteCache) {
    /** The edge's filter (docs/translation.md "Identity"). */
    public static final Settings EDGE = new Settings(GatewayIdentity.KEY_HEADERS, 503, true);

    /** The settings of a pushed filter config; what the rows do not cover fails the test. */
    public static Settings of(ExtAuthz config) {
      if (config.getFailureModeAllow() || !config.hasGrpcService() || config.hasWithRequestBody()
          || !config.hasAllowedHeaders()) {
        throw new AssertionError("an ext_authz config outside rows EA1-EA6 is not modelled: " + config);
      }
      List<String> names = config.getAllowedHeaders().getPatternsList().stream().map(m -> {
        if (!m.hasExact() || m.getIgnoreCase()) {
          throw new AssertionError("only exact allowed_headers are modelled: " + m);
        }
        return m.getExact().toLowerCase(Locale.ROOT);
      }).toList();
      int code = config.getStatusOnError().getCodeValue();
      // EA4: unset, or outside 100-511, is 403.
      return new Settings(names, code >= 100 && code <= 511 ? code : 403, config.getClearRouteCache());
    }
  }

  /**
   * What Envoy makes of one check.
   *
   * @param forwarded the request headers the next filter gets; empty when Envoy replied itself
   * @param localReply Envoy's own reply to the client
   */
  public record Result(Optional<Map<String, String>> forwarded, Optional<FakeEnvoy.LocalReply> localReply,
      boolean routeCacheCleared) {}

  private final ManagedChannel channel;
  private final Settings settings;

  FakeExtAuthz(ManagedChannel channel, Settings settings) {
    this.channel = channel;
    this.settings = settings;
  }

  /**
   * The service's answer to the CheckRequest Envoy sends for {@code requestHeaders} (EA1).
   *
   * @throws StatusRuntimeException when the RPC fails
   */
  public CheckResponse call(Map<String, String> requestHeaders) {
    return call(Map.of(), requestHeaders);
  }

  /** {@link #call(Map)} with the call's initial metadata: EA6, the trace context of Envoy's span for the call. */
  public CheckResponse call(Map<String, String> metadata, Map<String, String> requestHeaders) {
    Metadata initial = new Metadata();
    metadata.forEach((k, v) -> initial.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
    return AuthorizationGrpc.newBlockingStub(channel).withDeadlineAfter(WAIT_SECONDS, TimeUnit.SECONDS)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(initial))
        .check(request(lowerCase(requestHeaders), settings.allowedHeaders()));
  }

  /** @param requestHeaders as the client sent them, pseudo headers included */
  public Result check(Map<String, String> requestHeaders) {
    Map<String, String> headers = lowerCase(requestHeaders);
    CheckResponse response;
    try {
      response = call(requestHeaders);
    } catch (StatusRuntimeException e) {
      return new Result(Optional.empty(), Optional.of(new FakeEnvoy.LocalReply(settings.statusOnError(), Map.of(), "",
          "ext_authz_error")), false);
    }
    if (response.getStatus().getCode() != 0) {
      int status = response.getDeniedResponse().getStatus().getCodeValue();
      Map<String, String> replyHeaders = new LinkedHashMap<>();
      response.getDeniedResponse().getHeadersList().forEach(h -> replyHeaders.put(
          h.getHeader().getKey().toLowerCase(Locale.ROOT), h.getHeader().getValue()));
      return new Result(Optional.empty(), Optional.of(new FakeEnvoy.LocalReply(status > 0 ? status : 403,
          replyHeaders, response.getDeniedResponse().getBody(), "ext_authz_denied")), false);
    }
    OkHttpResponse ok = response.getOkResponse();
    for (HeaderValueOption set : ok.getHeadersList()) {
      String name = set.getHeader().getKey().toLowerCase(Locale.ROOT);
      String value = set.getHeader().getValue();
      if (set.hasAppend() && set.getAppend().getValue()) {
        headers.merge(name, value, (a, b) -> a + "," + b);
      } else {
        headers.put(name, value);
      }
    }
    for (String removed : ok.getHeadersToRemoveList()) {
      String name = removed.toLowerCase(Locale.ROOT);
      if (!name.startsWith(":") && !name.equals("host")) {
        headers.remove(name);
      }
    }
    boolean mutated = ok.getHeadersCount() > 0 || ok.getHeadersToRemoveCount() > 0;
    return new Result(Optional.of(headers), Optional.empty(), mutated && settings.clearRouteCache());
  }

  private static Map<String, String> lowerCase(Map<String, String> requestHeaders) {
    Map<String, String> headers = new LinkedHashMap<>();
    requestHeaders.forEach((k, v) -> headers.merge(k.toLowerCase(Locale.ROOT), v, (a, b) -> a + "," + b));
    return headers;
  }

  private static CheckRequest request(Map<String, String> headers, List<String> allowed) {
    AttributeContext.HttpRequest.Builder http = AttributeContext.HttpRequest.newBuilder()
        .setMethod(headers.getOrDefault(":method", ""))
        .setPath(headers.getOrDefault(":path", ""))
        .setHost(headers.getOrDefault(":authority", ""))
        .setScheme(headers.getOrDefault(":scheme", "http"));
    headers.forEach((name, value) -> {
      if (allowed.contains(name)) {
        http.putHeaders(name, value);
      }
    });
    return CheckRequest.newBuilder()
        .setAttributes(AttributeContext.newBuilder()
            .setRequest(AttributeContext.Request.newBuilder().setHttp(http)))
        .build();
  }
}
