package io.llmxds.examples.scenarios;

import static io.llmxds.cp.testing.AdsTestClient.CDS;
import static io.llmxds.cp.testing.AdsTestClient.LDS;
import static io.llmxds.cp.testing.AdsTestClient.RDS;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLogFilter;
import io.envoyproxy.envoy.config.accesslog.v3.ComparisonFilter;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.common.mutation_rules.v3.HeaderMutation;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster.ClusterWeight;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.ResponseMapper;
import io.llmxds.cp.testing.AdsTestClient;
import io.llmxds.filters.extproc.FakeEnvoy;
import io.llmxds.filters.extproc.FakeExtAuthz;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * A model of Envoy v1.34 serving one HTTP request with the config a node has ACKed ({@link AdsTestClient#acked}),
 * implementing docs/envoy-semantics.md and nothing else; anything the translation does not emit fails loudly. In
 * order: the listener's buffer (H1, H2); the HCM's early header mutations (I1); the first route match on the headers
 * as they are then (R1); the ext_authz check ({@link FakeExtAuthz}, I2–I4, EA1–EA6), its mutations, the route
 * re-picked when it cleared the route cache; the ext_proc stream opened with that route's per-route metadata, merged once (X1–X4), through {@link FakeEnvoy} and the
 * real context service; the route re-picked only if the service cleared the route cache with a header mutation
 * (X11, X12), with the same stream id; local_ratelimit on the route as it is then, its buckets living as long as the
 * route object (L1–L7, {@link LocalRateLimitModel}); the router (R2, R3, R5) and the tries ({@link UpstreamTries}:
 * the picked cluster's upstream filters per try, U1–U3, RT1–RT5, A1–A4); local replies through ext_proc's response
 * path (X9) and the HCM's local-reply mappers (H3).
 */
final class PushedConfigRouter {
  static final String EXT_AUTHZ = "envoy.filters.http.ext_authz";
  static final String EXT_PROC = "envoy.filters.http.ext_proc";
  static final String LOCAL_RATELIMIT = "envoy.filters.http.local_ratelimit";
  static final String CHAT_PATH = "/v1/chat/completions";

  /** A client's request: headers (any case; {@code :method} and {@code :path} included) and a body, or null. */
  record Request(Map<String, String> headers, String body) {

    /** A chat completion as an OpenAI SDK sends it: the model only in the body. */
    static Request chat(String body, String... headerPairs) {
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put(":method", "POST");
      headers.put(":path", CHAT_PATH);
      headers.put("content-type", "application/json");
      for (int i = 0; i < headerPairs.length; i += 2) {
        headers.put(headerPairs[i], headerPairs[i + 1]);
      }
      return new Request(headers, body);
    }
  }

  /**
   * What Envoy did with one request and what the client got.
   *
   * @param firstMatch the route matched on the client's headers, which decided the ext_proc stream (X3)
   * @param route the route the request was served by (re-picked or not); null when ext_proc ended it first
   * @param tries what went upstream, one per try
   */
  record Served(Route firstMatch, Route route, List<UpstreamTries.Try> tries,
      int status, Map<String, String> headers, String body) {}

  private final AdsTestClient node;
  private final RandomGenerator random;
  private final LongSupplier nanos;
  private RouteConfiguration builtFrom;
  private final Map<Integer, LocalRateLimitModel> rateLimits = new LinkedHashMap<>();
  private final Map<String, GlobalRateLimitModel> globalRateLimits = new LinkedHashMap<>();
  private FakeEnvoy extProc;
  private String lastExtProcTraceparent;

  PushedConfigRouter(AdsTestClient node, RandomGenerator random) {
    this(node, random, System::nanoTime);
  }

  /** @param nanos the clock of the token buckets (a test may hold it still) */
  PushedConfigRouter(AdsTestClient node, RandomGenerator random, LongSupplier nanos) {
    this.node = node;
    this.random = random;
    this.nanos = nanos;
  }

  Served send(Request request) {
    Map<String, String> headers = earlyHeaderMutations(lowerCase(request.headers()));
    RouteConfiguration routes = routeConfiguration();
    VirtualHost host = virtualHost(routes);
    long streamId = random.nextLong() & Long.MAX_VALUE;
    long bufferLimit = listener().hasPerConnectionBufferLimitBytes()
        ? listener().getPerConnectionBufferLimitBytes().getValue() : 1 << 20;
    if (request.body() != null && request.body().getBytes(StandardCharsets.UTF_8).length > bufferLimit) {
      // H2: the filter manager answers before ext_proc sees the body.
      return localReply(null, null, 413, "Payload Too Large");
    }
    Route first = RouteMatcher.match(host, headers).orElse(null);
    if (first == null) {
      return localReply(null, null, 404, "");
    }
    Optional<HttpFilter> extProcFilter = httpFilter(EXT_PROC);
    if (extProcFilter.isEmpty()) {
      throw new AssertionError("a listener without ext_proc is not modelled");
    }
    Optional<HttpFilter> extAuthzFilter = httpFilter(EXT_AUTHZ);
    if (extAuthzFilter.isPresent()) {
      FakeExtAuthz.Result checked = extAuthz(extAuthzFilter.get()).check(headers);
      if (checked.localReply().isPresent()) {
        FakeEnvoy.LocalReply reply = checked.localReply().get();
        // I3, I4: a denial or an error is a local reply with response flag UAEX.
        return localReply(first, first, reply.status(), reply.body(), reply.headers(), List.of(), Set.of("UAEX"));
      }
      headers = checked.forwarded().orElseThrow();
      if (checked.routeCacheCleared()) {
        first = RouteMatcher.match(host, headers).orElseThrow(() -> new AssertionError("no route after ext_authz"));
      }
    }
    ExternalProcessor processor = unpack(extProcFilter.get().getTypedConfig(), ExternalProcessor.class);
    Map<String, String> metadata = streamMetadata(processor, extProcFilter.get().getName(), routes, host, first);
    // H5: the stream's initial metadata carries Envoy's span for the stream, a child of the request span, which
    // continues the client's traceparent (or starts a trace); the request headers keep the client's.
    lastExtProcTraceparent = extProcSpan(headers.get("traceparent"));
    metadata.put("traceparent", lastExtProcTraceparent);
    FakeEnvoy.Filter filter = new FakeEnvoy.Filter(processor.getProcessingMode(), processor.getAllowModeOverride(),
        processor.getFailureModeAllow(), false, Map.of());
    Route[] served = new Route[1];
    List<UpstreamTries.Try> tries = new ArrayList<>();
    List<Map.Entry<GlobalRateLimitModel, GlobalRateLimitModel.Saved>> checked = new ArrayList<>();
    Route matched = first;
    FakeEnvoy.Answers answers = extProc().exchange(filter, metadata, headers, request.body(), forwarded -> {
      Route route = forwarded.routeCacheCleared()
          ? RouteMatcher.match(host, forwarded.headers()).orElseThrow(() -> new AssertionError("no route"))
          : matched;
      served[0] = route;
      return decodeAfterExtProc(routes, host, route, streamId, forwarded, tries, received(processor, forwarded),
          checked);
    });
    // RL4: when the stream ends, each ratelimit filter that checked the request sends its stream-done charges, with
    // the dynamic metadata the context service wrote meanwhile (X18).
    Map<String, Struct> dynamicMetadata = dynamicMetadata(processor, answers);
    checked.forEach(c -> c.getKey().streamDone(c.getValue(), dynamicMetadata));
    if (answers.localReply().isPresent()) {
      FakeEnvoy.LocalReply reply = answers.localReply().get();
      return localReply(first, first, reply.status(), reply.body(), reply.headers(), tries);
    }
    FakeEnvoy.Delivered delivered = answers.delivered();
    Map<String, String> clientHeaders = new LinkedHashMap<>(delivered.headers());
    clientHeaders.remove(":status");
    return new Served(first, served[0], tries, delivered.status(), clientHeaders, delivered.body());
  }

  /** The W3C traceparent of Envoy's span for the last request's ext_proc stream, as its initial metadata had it (H5). */
  String lastExtProcTraceparent() {
    return lastExtProcTraceparent;
  }

  /** A new span id in the client's trace when its traceparent is well-formed, else in a new trace; sampled. */
  private String extProcSpan(String clientTraceparent) {
    String traceId = clientTraceparent != null && clientTraceparent.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")
        ? clientTraceparent.substring(3, 35) : hex(16);
    return "00-" + traceId + "-" + hex(8) + "-01";
  }

  private String hex(int bytes) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < bytes; i++) {
      // Not the router's own generator: the weighted picks a test seeds must not shift.
      out.append(String.format("%02x", java.util.concurrent.ThreadLocalRandom.current().nextInt(256)));
    }
    // All zeros is the invalid id.
    return out.toString().matches("0+") ? hex(bytes) : out.toString();
  }

  /** X18: the stream's dynamic metadata: what the processor wrote, in the namespaces the filter receives. */
  private static Metadata received(ExternalProcessor processor, FakeEnvoy.Forwarded forwarded) {
    Metadata.Builder metadata = Metadata.newBuilder();
    List<String> namespaces = processor.getMetadataOptions().getReceivingNamespaces().getUntypedList();
    forwarded.dynamicMetadata().getFieldsMap().forEach((ns, value) -> {
      if (namespaces.contains(ns)) {
        metadata.putFilterMetadata(ns, value.getStructValue());
      }
    });
    return metadata.build();
  }

  /**
   * local_ratelimit, the global ratelimit filters in listener order, then the router: what comes back goes through
   * ext_proc's response path (X9).
   */
  private FakeEnvoy.Upstream decodeAfterExtProc(RouteConfiguration routes, VirtualHost host, Route route, long streamId,
      FakeEnvoy.Forwarded forwarded, List<UpstreamTries.Try> tries, Metadata dynamicMetadata,
      List<Map.Entry<GlobalRateLimitModel, GlobalRateLimitModel.Saved>> checked) {
    Map<String, String> responseHeaders = new LinkedHashMap<>();
    Optional<LocalRateLimitModel> limit = rateLimitOf(routes, host, route);
    if (limit.isPresent()) {
      LocalRateLimitModel.Decision decision = limit.get().decide(forwarded.headers());
      responseHeaders.putAll(decision.headers());
      if (!decision.allowed()) {
        return answer(429, withRouteHeaders(route, responseHeaders), "local_rate_limited");
      }
    }
    Map<String, String> afterGlobal = new LinkedHashMap<>();
    for (HttpFilter ratelimit : hcm().getHttpFiltersList()) {
      if (!ratelimit.getTypedConfig().is(io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit.class)) {
        continue;
      }
      GlobalRateLimitModel model = globalRateLimit(ratelimit);
      Optional<GlobalRateLimitModel.Saved> saved = model.perRoute(routes, host, route, forwarded.headers());
      if (saved.isEmpty()) {
        continue;
      }
      checked.add(Map.entry(model, saved.get()));
      // The context service writes dynamic metadata only with the response (UsageMetadata): none exists yet.
      GlobalRateLimitModel.Decision decision = model.check(saved.get(), Map.of());
      if (decision instanceof GlobalRateLimitModel.Reply reply) {
        Map<String, String> replyHeaders = new LinkedHashMap<>(reply.headers());
        if (!reply.body().isEmpty()) {
          replyHeaders.putIfAbsent("content-type", "text/plain"); // RL7: the service's content-type wins
        }
        Mapped mapped = mapped(reply.status(), reply.body(), replyHeaders, reply.flags());
        return answer(mapped.status(), withRouteHeaders(route, mapped.headers()), mapped.body());
      }
      afterGlobal.putAll(((GlobalRateLimitModel.Continue) decision).responseHeaders());
    }
    if (route.hasDirectResponse()) {
      return answer(route.getDirectResponse().getStatus(), withRouteHeaders(route, responseHeaders),
          route.getDirectResponse().getBody().getInlineString());
    }
    if (route.getRoute().hasRegexRewrite() || route.getRequestHeadersToAddCount() > 0) {
      throw new AssertionError("R8 (regex_rewrite, a route's request headers) is not modelled: " + route.getName());
    }
    ClusterWeight picked = pick(route.getRoute().getWeightedClusters().getClustersList(), streamId);
    Map<String, String> upstreamHeaders = new LinkedHashMap<>(forwarded.headers());
    picked.getRequestHeadersToAddList().forEach(h -> upstreamHeaders.put(h.getHeader().getKey(), value(h.getHeader())));
    if (!route.getRoute().getPrefixRewrite().isEmpty()) {
      upstreamHeaders.put(":path", route.getRoute().getPrefixRewrite()
          + upstreamHeaders.get(":path").substring(route.getMatch().getPrefix().length()));
    }
    UpstreamTries.Result result = new UpstreamTries(node, extProc(), dynamicMetadata).send(route, picked.getName(), upstreamHeaders,
        forwarded.body());
    tries.addAll(result.tries());
    responseHeaders.putAll(result.headers());
    afterGlobal.forEach((k, v) -> {
      if (responseHeaders.putIfAbsent(k, v) != null) {
        throw new AssertionError("RL7 appends " + k + " to the upstream's own; two values are not modelled");
      }
    });
    return answer(result.status(), withRouteHeaders(route, responseHeaders), result.body());
  }

  private static FakeEnvoy.Upstream answer(int status, Map<String, String> headers, String body) {
    Map<String, String> withStatus = new LinkedHashMap<>();
    withStatus.put(":status", Integer.toString(status));
    withStatus.putAll(headers);
    return new FakeEnvoy.Upstream(withStatus, List.of(body.getBytes(StandardCharsets.UTF_8)));
  }

  /** R5: a route's response_headers_to_add, on upstream answers and local replies alike. */
  private static Map<String, String> withRouteHeaders(Route route, Map<String, String> headers) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    route.getResponseHeadersToAddList().forEach(h -> all.put(h.getHeader().getKey(), value(h.getHeader())));
    return all;
  }

  /** A local reply the client gets after the HCM's local-reply mappers (H3). */
  private Served localReply(Route first, Route route, int status, String body) {
    return localReply(first, route, status, body, Map.of(), List.of());
  }

  private Served localReply(Route first, Route route, int status, String body,
      Map<String, String> headers, List<UpstreamTries.Try> tries) {
    return localReply(first, route, status, body, headers, tries, Set.of());
  }

  /** H3, I3: a local reply as the client gets it. */
  private Served localReply(Route first, Route route, int status, String body,
      Map<String, String> headers, List<UpstreamTries.Try> tries, Set<String> responseFlags) {
    Mapped mapped = mapped(status, body, headers, responseFlags);
    return new Served(first, route, tries, mapped.status(), mapped.headers(), mapped.body());
  }

  private record Mapped(int status, Map<String, String> headers, String body) {}

  /** H3, I3: the first mapper whose filter matches the reply's status and response flags rewrites its body. */
  private Mapped mapped(int status, String body, Map<String, String> headers, Set<String> responseFlags) {
    Map<String, String> replyHeaders = new LinkedHashMap<>(headers);
    String replyBody = body;
    for (ResponseMapper mapper : hcm().getLocalReplyConfig().getMappersList()) {
      if (!matches(mapper.getFilter(), status, responseFlags)) {
        continue;
      }
      try {
        replyBody = JsonFormat.printer().omittingInsignificantWhitespace()
            .print(mapper.getBodyFormatOverride().getJsonFormat());
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
      if (replyBody.contains("%")) {
        throw new AssertionError("format commands in local replies are not modelled: " + replyBody);
      }
      replyHeaders.put("content-type", "application/json");
      break;
    }
    return new Mapped(status, replyHeaders, replyBody);
  }

  /** The access-log filters the translation puts in mappers: status equal to a code, response flags, and both. */
  private static boolean matches(AccessLogFilter filter, int status, Set<String> responseFlags) {
    return switch (filter.getFilterSpecifierCase()) {
      case STATUS_CODE_FILTER -> {
        ComparisonFilter comparison = filter.getStatusCodeFilter().getComparison();
        if (comparison.getOp() != ComparisonFilter.Op.EQ) {
          throw new AssertionError("only status_code_filter EQ is modelled: " + comparison);
        }
        yield comparison.getValue().getDefaultValue() == status;
      }
      // I4: a response_flag_filter with flags matches when the reply carries one of them.
      case RESPONSE_FLAG_FILTER -> !filter.getResponseFlagFilter().getFlagsList().isEmpty()
          && filter.getResponseFlagFilter().getFlagsList().stream().anyMatch(responseFlags::contains);
      case AND_FILTER -> filter.getAndFilter().getFiltersList().stream()
          .allMatch(f -> matches(f, status, responseFlags));
      default -> throw new AssertionError("a local-reply mapper filter not modelled: " + filter);
    };
  }

  /** I1: the HCM's early header mutations, before the route is first picked; only {@code remove} is emitted. */
  private Map<String, String> earlyHeaderMutations(Map<String, String> headers) {
    Map<String, String> mutated = new LinkedHashMap<>(headers);
    for (TypedExtensionConfig extension : hcm().getEarlyHeaderMutationExtensionsList()) {
      for (HeaderMutation mutation : unpack(extension.getTypedConfig(),
          io.envoyproxy.envoy.extensions.http.early_header_mutation.header_mutation.v3.HeaderMutation.class).getMutationsList()) {
        if (!mutation.hasRemove()) {
          throw new AssertionError("only early header removal is modelled: " + mutation);
        }
        mutated.remove(mutation.getRemove().toLowerCase(Locale.ROOT));
      }
    }
    return mutated;
  }

  /** The edge's ext_authz filter, calling the data-path service it names (the ext_proc cluster's, as translated). */
  private FakeExtAuthz extAuthz(HttpFilter filter) {
    List<String> order = hcm().getHttpFiltersList().stream().map(HttpFilter::getName).toList();
    if (order.indexOf(EXT_AUTHZ) != 0) {
      throw new AssertionError("ext_authz anywhere but first is not modelled: " + order);
    }
    ExtAuthz config = unpack(filter.getTypedConfig(), ExtAuthz.class);
    ExternalProcessor processor = unpack(httpFilter(EXT_PROC).orElseThrow().getTypedConfig(), ExternalProcessor.class);
    String cluster = config.getGrpcService().getEnvoyGrpc().getClusterName();
    if (!cluster.equals(processor.getGrpcService().getEnvoyGrpc().getClusterName())) {
      throw new AssertionError("an ext_authz service apart from the ext_proc one is not modelled: " + cluster);
    }
    return extProc().extAuthz(FakeExtAuthz.Settings.of(config));
  }

  /**
   * X2–X4: the filter's own {@code initial_metadata}, then the per-route configs from least to most specific, merged
   * by key; values are format strings ({@code %%} is a literal percent sign).
   */
  private static Map<String, String> streamMetadata(ExternalProcessor processor, String filterName,
      RouteConfiguration routes, VirtualHost host, Route route) {
    Map<String, String> metadata = new LinkedHashMap<>();
    processor.getGrpcService().getInitialMetadataList().forEach(h -> metadata.put(h.getKey(), value(h)));
    for (Map<String, Any> perFilter : List.of(routes.getTypedPerFilterConfigMap(), host.getTypedPerFilterConfigMap(),
        route.getTypedPerFilterConfigMap())) {
      Any config = perFilter.get(filterName);
      if (config != null) {
        unpack(config, ExtProcPerRoute.class).getOverrides().getGrpcInitialMetadataList()
            .forEach(h -> metadata.put(h.getKey(), value(h)));
      }
    }
    return metadata;
  }

  /** A HeaderValue's {@code value} as Envoy's formatter reads a literal: {@code %%} is {@code %}, any other % fails. */
  static String value(HeaderValue header) {
    String value = header.getValue();
    if (value.replace("%%", "").contains("%")) {
      throw new AssertionError("format commands are not modelled (and a lone % breaks Envoy, X4): " + value);
    }
    return value.replace("%%", "%");
  }

  /**
   * L1, L7: the route's local_ratelimit config (route, then virtual host; the listener-level one is inert) as one
   * object per route, rebuilt — new, full buckets — whenever the RouteConfiguration changes.
   */
  private Optional<LocalRateLimitModel> rateLimitOf(RouteConfiguration routes, VirtualHost host, Route route) {
    Optional<HttpFilter> filter = httpFilter(LOCAL_RATELIMIT);
    if (filter.isEmpty()) {
      return Optional.empty();
    }
    if (!routes.equals(builtFrom)) {
      builtFrom = routes;
      rateLimits.clear();
    }
    Any config = route.getTypedPerFilterConfigMap().get(filter.get().getName());
    if (config == null) {
      config = host.getTypedPerFilterConfigMap().get(filter.get().getName());
    }
    if (config == null) {
      LocalRateLimit listenerLevel = unpack(filter.get().getTypedConfig(), LocalRateLimit.class);
      if (listenerLevel.hasFilterEnabled()) {
        throw new AssertionError("an enabled listener-level local_ratelimit is not modelled");
      }
      return Optional.empty();
    }
    LocalRateLimit perRoute = unpack(config, LocalRateLimit.class);
    int index = host.getRoutesList().indexOf(route);
    return Optional.of(rateLimits.computeIfAbsent(index, i -> new LocalRateLimitModel(perRoute, nanos)));
  }

  /** R2: the weighted cluster of {@code stream_id % total_weight}, against the cumulative weights in order. */
  private static ClusterWeight pick(List<ClusterWeight> clusters, long streamId) {
    long total = clusters.stream().mapToLong(c -> c.getWeight().getValue()).sum();
    long ticket = streamId % total;
    for (ClusterWeight cluster : clusters) {
      ticket -= cluster.getWeight().getValue();
      if (ticket < 0) {
        return cluster;
      }
    }
    throw new IllegalStateException("weights changed while picking");
  }

  /** The route of a chat request for {@code model}, as re-picked once ext_proc has set {@code x-llm-model}. */
  Route routeForModel(String model) {
    VirtualHost host = virtualHost(routeConfiguration());
    return RouteMatcher.match(host, Map.of(":path", CHAT_PATH, "x-llm-model", model))
        .orElseThrow(() -> new AssertionError("no route for " + model));
  }

  static LocalRateLimit localRateLimit(Route route) {
    Any config = route.getTypedPerFilterConfigMap().get(LOCAL_RATELIMIT);
    if (config == null) {
      throw new AssertionError("route " + route.getName() + " has no " + LOCAL_RATELIMIT + " config");
    }
    return unpack(config, LocalRateLimit.class);
  }

  /** The route's clusters and their weights, in order. */
  static Map<String, Integer> weights(Route route) {
    Map<String, Integer> weights = new LinkedHashMap<>();
    route.getRoute().getWeightedClusters().getClustersList()
        .forEach(c -> weights.put(c.getName(), c.getWeight().getValue()));
    return weights;
  }

  /** The port of the listener the node runs. */
  int listenerPort() {
    return listener().getAddress().getSocketAddress().getPortValue();
  }

  private FakeEnvoy extProc() {
    if (extProc == null) {
      ExternalProcessor processor = unpack(httpFilter(EXT_PROC).orElseThrow().getTypedConfig(), ExternalProcessor.class);
      String cluster = processor.getGrpcService().getEnvoyGrpc().getClusterName();
      Cluster contextService = node.acked(CDS, Cluster.class).stream().filter(c -> c.getName().equals(cluster))
          .findFirst().orElseThrow(() -> new AssertionError("no cluster " + cluster));
      extProc = FakeEnvoy.connectedTo(UpstreamTries.endpoints(node, contextService).get(0).port());
    }
    return extProc;
  }

  /** The model of one ratelimit filter, connected to the first endpoint of its gRPC service's cluster. */
  private GlobalRateLimitModel globalRateLimit(HttpFilter filter) {
    io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit config = unpack(filter.getTypedConfig(),
        io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit.class);
    GlobalRateLimitModel known = globalRateLimits.get(filter.getName());
    if (known != null && known.config().equals(config)) {
      return known;
    }
    if (known != null) {
      known.close();
    }
    String cluster = config.getRateLimitService().getGrpcService().getEnvoyGrpc().getClusterName();
    Cluster service = node.acked(CDS, Cluster.class).stream().filter(c -> c.getName().equals(cluster))
        .findFirst().orElseThrow(() -> new AssertionError("no cluster " + cluster));
    GlobalRateLimitModel model = new GlobalRateLimitModel(filter.getName(), config,
        UpstreamTries.endpoints(node, service).get(0).port());
    globalRateLimits.put(filter.getName(), model);
    return model;
  }

  /** X18: the struct values the processor returned under the namespaces the filter receives, merged in order. */
  private static Map<String, Struct> dynamicMetadata(ExternalProcessor processor, FakeEnvoy.Answers answers) {
    List<String> namespaces = processor.getMetadataOptions().getReceivingNamespaces().getUntypedList();
    List<ProcessingResponse> responses = new ArrayList<>();
    for (ProcessingResponse r : new ProcessingResponse[] {answers.requestHeaders(), answers.requestBody(),
        answers.responseHeaders()}) {
      if (r != null) {
        responses.add(r);
      }
    }
    responses.addAll(answers.responseBodies());
    Map<String, Struct> merged = new LinkedHashMap<>();
    for (ProcessingResponse response : responses) {
      response.getDynamicMetadata().getFieldsMap().forEach((namespace, value) -> {
        if (namespaces.contains(namespace) && value.hasStructValue()) {
          merged.merge(namespace, value.getStructValue(), (a, b) -> a.toBuilder().mergeFrom(b).build());
        }
      });
    }
    return merged;
  }

  private Optional<HttpFilter> httpFilter(String name) {
    return hcm().getHttpFiltersList().stream()
        .filter(f -> f.getName().equals(name))
        .findFirst();
  }

  private Listener listener() {
    List<Listener> listeners = node.acked(LDS, Listener.class);
    if (listeners.size() != 1) {
      throw new AssertionError("expected one listener, got " + listeners.size());
    }
    return listeners.get(0);
  }

  private HttpConnectionManager hcm() {
    return unpack(listener().getFilterChains(0).getFilters(0).getTypedConfig(), HttpConnectionManager.class);
  }

  private RouteConfiguration routeConfiguration() {
    String name = hcm().getRds().getRouteConfigName();
    return node.acked(RDS, RouteConfiguration.class).stream()
        .filter(r -> r.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no route configuration " + name));
  }

  private static VirtualHost virtualHost(RouteConfiguration routes) {
    return routes.getVirtualHostsList().stream()
        .filter(host -> host.getDomainsList().contains("*"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no virtual host for *"));
  }

  private static Map<String, String> lowerCase(Map<String, String> headers) {
    Map<String, String> lower = new LinkedHashMap<>();
    headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
    return lower;
  }

  static <T extends Message> T unpack(Any any, Class<T> type) {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("not a " + type.getSimpleName() + ": " + any.getTypeUrl(), e);
    }
  }

  void close() {
    if (extProc != null) {
      extProc.close();
    }
    globalRateLimits.values().forEach(GlobalRateLimitModel::close);
  }
}
