package io.llmxds.filters.ratelimit;

import com.google.protobuf.UInt64Value;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.llmxds.common.GlobalRateLimits;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One Envoy's ratelimit filter as the RLS sees it, on a gRPC channel of its own: at request time one descriptor per
 * limit ({@code charge=request}); at stream done one {@code input_tokens} and one {@code output_tokens} descriptor
 * per limit, each with its descriptor-level {@code hits_addend}, in one call (docs/envoy-semantics.md RS7, RS2). The
 * request-level {@code hits_addend} is 0, as Envoy sends it without the filter state that sets it.
 */
final class SimulatedEnvoy implements AutoCloseable {
  private final ManagedChannel channel;
  private final RateLimitServiceGrpc.RateLimitServiceBlockingStub stub;

  SimulatedEnvoy(int port) {
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    stub = RateLimitServiceGrpc.newBlockingStub(channel);
  }

  /** Who sends a request: the consumer and tier the gateway's ext_authz set (null: anonymous). */
  record Caller(String consumer, String tier) {}

  RateLimitResponse request(Caller caller, String route, String... limits) {
    return stub.withDeadlineAfter(10, TimeUnit.SECONDS).shouldRateLimit(requestOf(caller, route, limits));
  }

  /** The same call with the trace context Envoy's gRPC client puts in the call's initial metadata. */
  RateLimitResponse requestTraced(String traceparent, Caller caller, String route, String... limits) {
    Metadata metadata = new Metadata();
    metadata.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER), traceparent);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata))
        .withDeadlineAfter(10, TimeUnit.SECONDS).shouldRateLimit(requestOf(caller, route, limits));
  }

  private static RateLimitRequest requestOf(Caller caller, String route, String... limits) {
    RateLimitRequest.Builder request = RateLimitRequest.newBuilder().setDomain(GlobalRateLimits.DOMAIN);
    for (String limit : limits) {
      request.addDescriptors(descriptor(caller, route, limit, GlobalRateLimits.CHARGE_REQUEST, null));
    }
    return request.build();
  }

  /** The stream-done call after an answer of {@code model} that used these tokens. */
  RateLimitResponse streamDone(Caller caller, String route, String model, long inputTokens, long outputTokens,
      String... limits) {
    RateLimitRequest.Builder request = RateLimitRequest.newBuilder().setDomain(GlobalRateLimits.DOMAIN);
    for (String limit : limits) {
      request.addDescriptors(descriptor(caller, route, limit, GlobalRateLimits.CHARGE_INPUT_TOKENS, model).toBuilder()
          .setHitsAddend(UInt64Value.of(inputTokens)));
      request.addDescriptors(descriptor(caller, route, limit, GlobalRateLimits.CHARGE_OUTPUT_TOKENS, model)
          .toBuilder().setHitsAddend(UInt64Value.of(outputTokens)));
    }
    return stub.withDeadlineAfter(10, TimeUnit.SECONDS).shouldRateLimit(request.build());
  }

  private static RateLimitDescriptor descriptor(Caller caller, String route, String limit, String charge,
      String model) {
    RateLimitDescriptor.Builder d = RateLimitDescriptor.newBuilder()
        .addEntries(entry(GlobalRateLimits.LIMIT_ENTRY, limit))
        .addEntries(entry(GlobalRateLimits.ROUTE_ENTRY, route));
    if (caller.consumer() != null) {
      d.addEntries(entry(GlobalRateLimits.CONSUMER_ENTRY, caller.consumer()))
          .addEntries(entry(GlobalRateLimits.TIER_ENTRY, caller.tier()));
    }
    d.addEntries(entry(GlobalRateLimits.CHARGE_ENTRY, charge));
    if (model != null) {
      d.addEntries(entry(GlobalRateLimits.MODEL_ENTRY, model));
    }
    return d.build();
  }

  private static RateLimitDescriptor.Entry entry(String key, String value) {
    return RateLimitDescriptor.Entry.newBuilder().setKey(key).setValue(value).build();
  }

  /** An answer's response headers as Envoy adds them (name → value; each name once in our answers). */
  static Map<String, String> headers(RateLimitResponse response) {
    return response.getResponseHeadersToAddList().stream()
        .collect(Collectors.toMap(h -> h.getKey(), h -> h.getValue(), (a, b) -> {
          throw new AssertionError("header twice: " + a + ", " + b);
        }, java.util.LinkedHashMap::new));
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
