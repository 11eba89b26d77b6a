package io.llmxds.examples.scenarios;

import com.google.protobuf.Any;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt64Value;
import com.google.protobuf.Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.route.v3.RateLimit.Action;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimitPerRoute;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.envoyproxy.envoy.type.metadata.v3.MetadataKey;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code envoy.filters.http.ratelimit} filter of a pushed listener, as docs/envoy-semantics.md RL1–RL7 say it
 * behaves, calling a real RateLimitService over gRPC; nothing else. What the translation does not emit (route-level
 * {@code rate_limits}, other actions, fractional enablement, draft-03 headers) fails loudly.
 */
final class GlobalRateLimitModel implements AutoCloseable {

  private static final Pattern DYNAMIC_METADATA = Pattern.compile("%DYNAMIC_METADATA\\(([^:)]+):([^:)]+)\\)%");
  private static final long MAX_HITS_ADDEND = 1_000_000_000L;

  /** What the filter made of the request-time answer. */
  sealed interface Decision {}

  /** RL7 (OK): the request continues; these headers go on the upstream response. */
  record Continue(Map<String, String> responseHeaders) implements Decision {}

  /** RL6, RL7: a local reply with its response flags. */
  record Reply(int status, Map<String, String> headers, String body, Set<String> flags) implements Decision {}

  /**
   * RL3, RL4: the route and per-route config saved at decodeHeaders for the stream-done call.
   *
   * @param requestHeaders the request headers as the filter saw them
   */
  record Saved(RateLimitPerRoute config, Map<String, String> requestHeaders) {}

  private final String name;
  private final RateLimit filter;
  private final ManagedChannel channel;
  private final RateLimitServiceGrpc.RateLimitServiceBlockingStub stub;

  GlobalRateLimitModel(String name, RateLimit filter, int port) {
    this.name = name;
    this.filter = filter;
    if (filter.hasFilterEnabled() || filter.hasFilterEnforced() || filter.getEnableXRatelimitHeaders()
        != RateLimit.XRateLimitHeadersRFCVersion.OFF || !filter.getRequestType().isEmpty()) {
      throw new AssertionError("filter_enabled, filter_enforced, draft-03 headers and request_type are not modelled");
    }
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    stub = RateLimitServiceGrpc.newBlockingStub(channel);
  }

  RateLimit config() {
    return filter;
  }

  /** RL1: the most specific RateLimitPerRoute under this filter's name; empty when none has rate_limits. */
  Optional<Saved> perRoute(RouteConfiguration routes, VirtualHost host, Route route, Map<String, String> headers) {
    if (route.getRoute().getRateLimitsCount() > 0 || host.getRateLimitsCount() > 0) {
      throw new AssertionError("route-level rate_limits are not modelled (the translation emits none)");
    }
    for (Map<String, Any> perFilter : List.of(route.getTypedPerFilterConfigMap(), host.getTypedPerFilterConfigMap(),
        routes.getTypedPerFilterConfigMap())) {
      Any config = perFilter.get(name);
      if (config != null) {
        RateLimitPerRoute perRoute = PushedConfigRouter.unpack(config, RateLimitPerRoute.class);
        return perRoute.getRateLimitsCount() == 0 ? Optional.empty()
            : Optional.of(new Saved(perRoute, Map.copyOf(headers)));
      }
    }
    return Optional.empty();
  }

  /** RL1, RL6, RL7: the request-time call and what the filter does with its answer. */
  Decision check(Saved saved, Map<String, Struct> dynamicMetadata) {
    List<RateLimitDescriptor> descriptors = descriptors(saved, dynamicMetadata, false);
    if (descriptors.isEmpty()) {
      return new Continue(Map.of());
    }
    RateLimitResponse response;
    try {
      response = call(descriptors);
    } catch (StatusRuntimeException e) {
      if (!filter.getFailureModeDeny()) {
        return new Continue(Map.of());
      }
      int code = filter.getStatusOnError().getCodeValue();
      return new Reply(code >= 100 && code <= 511 ? code : 500, Map.of(), "", Set.of("RLSE"));
    }
    Map<String, String> headers = new LinkedHashMap<>();
    response.getResponseHeadersToAddList().forEach(h -> {
      if (headers.put(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue()) != null) {
        throw new AssertionError("a header twice in one answer is not modelled: " + h.getKey());
      }
    });
    if (response.getRequestHeadersToAddCount() > 0) {
      throw new AssertionError("request_headers_to_add are not modelled");
    }
    if (response.getOverallCode() != RateLimitResponse.Code.OVER_LIMIT) {
      return new Continue(headers);
    }
    if (!filter.getDisableXEnvoyRatelimitedHeader()) {
      headers.put("x-envoy-ratelimited", "true");
    }
    if (filter.getResponseHeadersToAddCount() > 0) {
      throw new AssertionError("the filter's own response_headers_to_add are not modelled");
    }
    int code = filter.getRateLimitedStatus().getCodeValue();
    return new Reply(code >= 400 ? code : 429, headers, response.getRawBody().toStringUtf8(), Set.of("RL"));
  }

  /** RL4, RL5: the stream-done call, fire-and-forget: its answer and its failure are ignored. */
  void streamDone(Saved saved, Map<String, Struct> dynamicMetadata) {
    List<RateLimitDescriptor> descriptors = descriptors(saved, dynamicMetadata, true);
    if (!descriptors.isEmpty()) {
      try {
        call(descriptors);
      } catch (StatusRuntimeException ignored) {
        // Envoy drops the answer, whatever it is (OnStreamDoneCallBack).
      }
    }
  }

  private RateLimitResponse call(List<RateLimitDescriptor> descriptors) {
    long timeoutMs = filter.hasTimeout() ? Durations.toMillis(filter.getTimeout()) : 20;
    String domain = filter.getDomain();
    return stub.withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS).shouldRateLimit(RateLimitRequest.newBuilder()
        .setDomain(domain)
        .addAllDescriptors(descriptors)
        .build());
  }

  /** RL3, RL5: the entries of {@code onStreamDone} kind, in order; one that cannot be built is dropped whole. */
  private static List<RateLimitDescriptor> descriptors(Saved saved, Map<String, Struct> dynamicMetadata,
      boolean onStreamDone) {
    if (!saved.config().getDomain().isEmpty() || saved.config().getVhRateLimits()
        != RateLimitPerRoute.VhRateLimitsOptions.OVERRIDE) {
      throw new AssertionError("a per-route domain or vh_rate_limits is not modelled");
    }
    List<RateLimitDescriptor> descriptors = new ArrayList<>();
    for (io.envoyproxy.envoy.config.route.v3.RateLimit entry : saved.config().getRateLimitsList()) {
      if (entry.getApplyOnStreamDone() == onStreamDone) {
        descriptor(entry, saved.requestHeaders(), dynamicMetadata).ifPresent(descriptors::add);
      }
    }
    return descriptors;
  }

  private static Optional<RateLimitDescriptor> descriptor(io.envoyproxy.envoy.config.route.v3.RateLimit entry,
      Map<String, String> headers, Map<String, Struct> dynamicMetadata) {
    RateLimitDescriptor.Builder descriptor = RateLimitDescriptor.newBuilder();
    for (Action action : entry.getActionsList()) {
      switch (action.getActionSpecifierCase()) {
        case GENERIC_KEY -> descriptor.addEntries(entry(action.getGenericKey().getDescriptorKey(),
            action.getGenericKey().getDescriptorValue()));
        case REQUEST_HEADERS -> {
          String value = headers.get(action.getRequestHeaders().getHeaderName());
          if (value == null) {
            if (!action.getRequestHeaders().getSkipIfAbsent()) {
              return Optional.empty();
            }
          } else {
            descriptor.addEntries(entry(action.getRequestHeaders().getDescriptorKey(), value));
          }
        }
        case METADATA -> {
          Action.MetaData metadata = action.getMetadata();
          if (metadata.getSource() != Action.MetaData.Source.DYNAMIC) {
            throw new AssertionError("route-entry metadata actions are not modelled");
          }
          String value = metadataValue(dynamicMetadata, metadata.getMetadataKey()).getStringValue();
          if (value.isEmpty()) {
            value = metadata.getDefaultValue();
          }
          if (!value.isEmpty()) {
            descriptor.addEntries(entry(metadata.getDescriptorKey(), value));
          } else if (!metadata.getSkipIfAbsent()) {
            return Optional.empty();
          }
        }
        default -> throw new AssertionError("a rate limit action not modelled: " + action.getActionSpecifierCase());
      }
    }
    if (entry.hasHitsAddend()) {
      io.envoyproxy.envoy.config.route.v3.RateLimit.HitsAddend hits = entry.getHitsAddend();
      if (hits.getFormat().isEmpty()) {
        descriptor.setHitsAddend(UInt64Value.of(hits.getNumber().getValue()));
      } else {
        Optional<Long> value = hitsFromFormat(hits.getFormat(), dynamicMetadata);
        if (value.isEmpty()) {
          return Optional.empty(); // RL5: logged and dropped
        }
        descriptor.setHitsAddend(UInt64Value.of(value.get()));
      }
    }
    return Optional.of(descriptor.build());
  }

  /** RL5: a number, or a string that parses as one, from 0 to 1e9; anything else (absent included) is empty. */
  private static Optional<Long> hitsFromFormat(String format, Map<String, Struct> dynamicMetadata) {
    Matcher matcher = DYNAMIC_METADATA.matcher(format);
    if (!matcher.matches()) {
      throw new AssertionError("hits_addend formats other than one %DYNAMIC_METADATA(ns:key)% are not modelled");
    }
    Value value = metadataValue(dynamicMetadata, MetadataKey.newBuilder().setKey(matcher.group(1))
        .addPath(MetadataKey.PathSegment.newBuilder().setKey(matcher.group(2))).build());
    double number;
    if (value.hasNumberValue()) {
      number = value.getNumberValue();
    } else if (value.hasStringValue()) {
      try {
        number = Double.parseDouble(value.getStringValue());
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    } else {
      return Optional.empty();
    }
    return number < 0 || number > MAX_HITS_ADDEND ? Optional.empty() : Optional.of((long) number);
  }

  private static Value metadataValue(Map<String, Struct> dynamicMetadata, MetadataKey key) {
    Struct struct = dynamicMetadata.get(key.getKey());
    Value value = Value.getDefaultInstance();
    for (MetadataKey.PathSegment segment : key.getPathList()) {
      if (struct == null) {
        return Value.getDefaultInstance();
      }
      value = struct.getFieldsOrDefault(segment.getKey(), Value.getDefaultInstance());
      struct = value.hasStructValue() ? value.getStructValue() : null;
    }
    return value;
  }

  private static RateLimitDescriptor.Entry entry(String key, String value) {
    return RateLimitDescriptor.Entry.newBuilder().setKey(key).setValue(value).build();
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
