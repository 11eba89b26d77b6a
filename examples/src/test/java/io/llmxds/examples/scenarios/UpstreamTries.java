package io.llmxds.examples.scenarios;

import static io.llmxds.cp.testing.AdsTestClient.CDS;
import static io.llmxds.cp.testing.AdsTestClient.EDS;
import static io.llmxds.cp.testing.AdsTestClient.SDS;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.extensions.clusters.aggregate.v3.ClusterConfig;
import io.envoyproxy.envoy.extensions.filters.http.credential_injector.v3.CredentialInjector;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.http.upstream_codec.v3.UpstreamCodec;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.http.injected_credentials.generic.v3.Generic;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.llmxds.cp.testing.AdsTestClient;
import io.llmxds.examples.mockllm.MockLlmClient;
import io.llmxds.filters.extproc.FakeEnvoy;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The router's tries for one request (docs/envoy-semantics.md R3, RT1–RT5, CS1, U1–U3, A1–A4, T5): each try
 * chooses a host — through an aggregate, from the first priority level not yet tried, levels being the children in order that
 * exist and have hosts — runs the upstream HTTP filters of the cluster the <em>route</em> picked (never a child's)
 * on the request header map that every try shares and on a fresh copy of the router's body, and sends the request
 * to the host. A 5xx, a listed status or a refused connection is retried while retries are left.
 */
final class UpstreamTries {

  /**
   * One try: the cluster the route picked, the host's provider and port, the headers ({@code :path} included) and
   * body it was sent, its status.
   */
  record Try(String cluster, String provider, int port, Map<String, String> headers, String body, int status) {

    String path() {
      return headers.get(":path");
    }

    /** The {@code model} of the body this try sent ("" when the body is not a JSON object). */
    String model() {
      try {
        return body == null ? "" : MockLlmClient.JSON.readTree(body).path("model").asText();
      } catch (java.io.IOException e) {
        return "";
      }
    }
  }

  /** The last try's answer: status, headers and body (or Envoy's 503 when no host could be chosen). */
  record Result(List<Try> tries, int status, Map<String, String> headers, String body) {}

  /** An endpoint of a cluster: its port on loopback and its metadata. */
  record Endpoint(int port, Metadata metadata, int priority) {}

  private static final Set<String> NOT_FORWARDED = Set.of("host", "content-length", "connection", "upgrade",
      "expect", "te", "transfer-encoding", "keep-alive", "http2-settings");

  private final AdsTestClient node;
  private final FakeEnvoy extProc;

  /** The stream's dynamic metadata as the downstream filters left it (X18), read by request attributes (U5). */
  private final Metadata dynamicMetadata;

  UpstreamTries(AdsTestClient node, FakeEnvoy extProc, Metadata dynamicMetadata) {
    this.node = node;
    this.extProc = extProc;
    this.dynamicMetadata = dynamicMetadata;
  }

  Result send(Route route, String clusterName, Map<String, String> headers, String body) {
    Optional<Cluster> picked = cluster(clusterName);
    if (picked.isEmpty()) {
      return new Result(List.of(), 503, Map.of(), "");
    }
    RetryPolicy retry = route.getRoute().getRetryPolicy();
    int retries = route.getRoute().hasRetryPolicy() ? retry.getNumRetries().getValue() : 0;
    Set<Integer> triedPriorities = new HashSet<>();
    List<Try> tries = new ArrayList<>();
    Result last = new Result(tries, 503, Map.of(), "no healthy upstream");
    for (int attempt = 0; attempt <= retries; attempt++) {
      Optional<Endpoint> host = chooseHost(picked.get(), triedPriorities);
      if (host.isEmpty()) {
        return new Result(tries, 503, Map.of(), "no healthy upstream");
      }
      triedPriorities.add(host.get().priority());
      last = tryOnce(route, picked.get(), host.get(), headers, body, tries);
      if (!retriable(retry, last.status()) || attempt == retries) {
        break;
      }
    }
    return last;
  }

  /**
   * One try: the picked cluster's upstream filters (U1) on the shared headers (RT3) in their order, the request, and
   * the answer back through the same filters before the router sees it (U6): the upstream ext_proc's response path
   * runs on what the provider answered.
   */
  private Result tryOnce(Route route, Cluster picked, Endpoint host, Map<String, String> headers, String routerBody,
      List<Try> tries) {
    String provider = host.metadata().getFilterMetadataOrDefault("io.llmxds", com.google.protobuf.Struct
        .getDefaultInstance()).getFieldsOrDefault("provider", com.google.protobuf.Value.getDefaultInstance())
        .getStringValue();
    List<HttpFilter> filters = upstreamFilters(picked);
    Result[] result = new Result[1];
    FakeEnvoy.Upstream answer = through(filters, 0, route, host, headers, routerBody, forwarded -> {
      result[0] = send(picked, host, provider, forwarded.headers(), forwarded.body(), tries);
      Map<String, String> withStatus = new LinkedHashMap<>();
      withStatus.put(":status", Integer.toString(result[0].status()));
      withStatus.putAll(result[0].headers());
      return new FakeEnvoy.Upstream(withStatus, sseEvents(result[0].body()));
    });
    Map<String, String> answered = new LinkedHashMap<>(answer.headers());
    int status = Integer.parseInt(answered.remove(":status"));
    String body = new String(answer.chunks().stream().map(com.google.protobuf.ByteString::copyFrom)
        .reduce(com.google.protobuf.ByteString.EMPTY, com.google.protobuf.ByteString::concat).toByteArray(),
        StandardCharsets.UTF_8);
    return new Result(tries, status, answered, body);
  }

  /**
   * The filters from {@code index} on: an ext_proc stream wraps the rest of the chain (its request path before, its
   * response path after), the credential injector sets its header, the codec sends. The shared header map takes every
   * mutation, as Envoy's does (RT3).
   */
  private FakeEnvoy.Upstream through(List<HttpFilter> filters, int index, Route route, Endpoint host,
      Map<String, String> headers, String body, Function<FakeEnvoy.Forwarded, FakeEnvoy.Upstream> codec) {
    if (index == filters.size()) {
      return codec.apply(new FakeEnvoy.Forwarded(headers, body, false));
    }
    Any config = filters.get(index).getTypedConfig();
    if (config.is(ExternalProcessor.class)) {
      ExternalProcessor processor = PushedConfigRouter.unpack(config, ExternalProcessor.class);
      Map<String, String> attributes = new AttributeExpressions(route.getMetadata(), host.metadata(),
          dynamicMetadata).evaluate(processor.getRequestAttributesList());
      Map<String, String> metadata = new LinkedHashMap<>();
      processor.getGrpcService().getInitialMetadataList()
          .forEach(h -> metadata.put(h.getKey(), PushedConfigRouter.value(h)));
      FakeEnvoy.Filter upstream = new FakeEnvoy.Filter(processor.getProcessingMode(),
          processor.getAllowModeOverride(), processor.getFailureModeAllow(), true, attributes);
      FakeEnvoy.Answers answers = extProc.exchange(upstream, metadata, headers, body, forwarded -> {
        headers.clear();
        headers.putAll(forwarded.headers());
        return through(filters, index + 1, route, host, headers, forwarded.body(), codec);
      });
      if (answers.localReply().isPresent()) {
        throw new AssertionError("an upstream ext_proc local reply is ignored by Envoy (U4): not modelled");
      }
      return new FakeEnvoy.Upstream(answers.delivered().headers(),
          List.of(answers.delivered().body().getBytes(StandardCharsets.UTF_8)));
    }
    if (config.is(CredentialInjector.class)) {
      CredentialInjector injector = PushedConfigRouter.unpack(config, CredentialInjector.class);
      Generic generic = PushedConfigRouter.unpack(injector.getCredential().getTypedConfig(), Generic.class);
      String header = generic.getHeader().isEmpty() ? "authorization"
          : generic.getHeader().toLowerCase(java.util.Locale.ROOT);
      String secret = secret(generic.getCredential().getName())
          .orElseThrow(() -> new AssertionError("401 Failed to inject credential (T5): no secret yet"));
      if (injector.getOverwrite() || !headers.containsKey(header)) {
        headers.put(header, secret);
      }
      return through(filters, index + 1, route, host, headers, body, codec);
    }
    if (!config.is(UpstreamCodec.class) || index != filters.size() - 1) {
      throw new AssertionError("upstream filter not modelled, or the codec not last: " + config.getTypeUrl());
    }
    return codec.apply(new FakeEnvoy.Forwarded(headers, body, false));
  }

  /** The codec: the request as the filters left it, to the host; Envoy does not check the length (RT3). */
  private Result send(Cluster picked, Endpoint host, String provider, Map<String, String> headers, String body,
      List<Try> tries) {
    String length = headers.get("content-length");
    int size = body == null ? 0 : body.getBytes(StandardCharsets.UTF_8).length;
    if (length != null && !length.equals(Integer.toString(size))) {
      // Envoy's HTTP/1 codec sends it as it is (RT3): the provider would wait for bytes or misparse.
      throw new AssertionError("try to " + provider + " would send content-length " + length + " with a body of "
          + size + " bytes");
    }
    Map<String, String> sent = Map.copyOf(headers);
    HttpResponse<String> response;
    try {
      response = MockLlmClient.send(request(host.port(), headers, body));
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof ConnectException) {
        tries.add(new Try(picked.getName(), provider, host.port(), sent, body, 503));
        return new Result(tries, 503, Map.of(), "upstream connect error or disconnect/reset before headers");
      }
      throw e;
    }
    tries.add(new Try(picked.getName(), provider, host.port(), sent, body, response.statusCode()));
    Map<String, String> responseHeaders = new LinkedHashMap<>();
    response.headers().map().forEach((k, v) -> {
      String name = k.toLowerCase(java.util.Locale.ROOT);
      if (!k.startsWith(":") && !NOT_FORWARDED.contains(name)) {
        responseHeaders.put(name, String.join(",", v));
      }
    });
    // The provider's own length, which the response path must keep right (X8).
    responseHeaders.put("content-length", Integer.toString(response.body().getBytes(StandardCharsets.UTF_8).length));
    return new Result(tries, response.statusCode(), responseHeaders, response.body());
  }

  /** An SSE body in the chunks a provider would flush: one per event (anything else in one chunk). */
  private static List<byte[]> sseEvents(String body) {
    List<byte[]> chunks = new ArrayList<>();
    for (String event : body.split("(?<=\\n\\n)")) {
      chunks.add(event.getBytes(StandardCharsets.UTF_8));
    }
    return chunks;
  }

  private static HttpRequest.Builder request(int port, Map<String, String> headers, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + headers.get(":path")))
        .method(headers.getOrDefault(":method", "GET"), body == null
            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach((k, v) -> {
      if (!k.startsWith(":") && !NOT_FORWARDED.contains(k)) {
        request.header(k, v);
      }
    });
    return request;
  }

  /** RT1: 5xx (and resets, here refused connections) and listed statuses. */
  private static boolean retriable(RetryPolicy retry, int status) {
    List<String> on = List.of(retry.getRetryOn().split(","));
    return (status >= 500 && (on.contains("5xx") || on.contains("connect-failure") || on.contains("reset")))
        || (on.contains("retriable-status-codes") && retry.getRetriableStatusCodesList().contains(status));
  }

  /**
   * A1, A2, RT5: an aggregate's children, in order, each contributing a level if it exists and has hosts; the first
   * level not yet tried; within it the child's (only) host. Other clusters: their host, whatever was tried (RT4).
   */
  private Optional<Endpoint> chooseHost(Cluster cluster, Set<Integer> triedPriorities) {
    if (!cluster.getClusterType().getTypedConfig().is(ClusterConfig.class)) {
      return endpoints(node, cluster).stream().findFirst();
    }
    ClusterConfig children = PushedConfigRouter.unpack(cluster.getClusterType().getTypedConfig(), ClusterConfig.class);
    List<Endpoint> levels = new ArrayList<>();
    for (String child : children.getClustersList()) {
      cluster(child).map(c -> endpoints(node, c)).filter(e -> !e.isEmpty())
          .ifPresent(e -> levels.add(new Endpoint(e.get(0).port(), e.get(0).metadata(), levels.size())));
    }
    return levels.stream().filter(l -> !triedPriorities.contains(l.priority())).findFirst()
        .or(() -> levels.stream().findFirst());
  }

  /** U1: the cluster's own upstream filters, else just the codec. */
  private static List<HttpFilter> upstreamFilters(Cluster cluster) {
    Any options = cluster.getTypedExtensionProtocolOptionsMap()
        .get("envoy.extensions.upstreams.http.v3.HttpProtocolOptions");
    return options == null ? List.of()
        : PushedConfigRouter.unpack(options, HttpProtocolOptions.class).getHttpFiltersList();
  }

  /** The endpoints of a (non-aggregate) cluster: EDS for IP literals, the inline assignment otherwise. */
  static List<Endpoint> endpoints(AdsTestClient node, Cluster cluster) {
    ClusterLoadAssignment assignment;
    if (cluster.getType() == Cluster.DiscoveryType.EDS) {
      String service = cluster.getEdsClusterConfig().getServiceName().isEmpty()
          ? cluster.getName() : cluster.getEdsClusterConfig().getServiceName();
      Optional<ClusterLoadAssignment> found = node.acked(EDS, ClusterLoadAssignment.class).stream()
          .filter(a -> a.getClusterName().equals(service)).findFirst();
      if (found.isEmpty()) {
        return List.of();
      }
      assignment = found.get();
    } else if (cluster.getType() == Cluster.DiscoveryType.LOGICAL_DNS) {
      throw new AssertionError("DNS resolution is not modelled (cluster " + cluster.getName() + ")");
    } else {
      throw new AssertionError("cluster type " + cluster.getType() + " is not modelled");
    }
    List<Endpoint> endpoints = new ArrayList<>();
    assignment.getEndpointsList().forEach(locality -> {
      for (LbEndpoint e : locality.getLbEndpointsList()) {
        endpoints.add(new Endpoint(e.getEndpoint().getAddress().getSocketAddress().getPortValue(), e.getMetadata(),
            locality.getPriority()));
      }
    });
    return endpoints;
  }

  private Optional<Cluster> cluster(String name) {
    return node.acked(CDS, Cluster.class).stream().filter(c -> c.getName().equals(name)).findFirst();
  }

  private Optional<String> secret(String name) {
    return node.acked(SDS, Secret.class).stream().filter(s -> s.getName().equals(name)).findFirst()
        .map(s -> s.getGenericSecret().getSecret().getInlineString());
  }
}
