package io.llmxds.filters.auth;

import com.google.rpc.Code;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption.HeaderAppendAction;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.DeniedHttpResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.llmxds.common.GatewayIdentity;
import io.llmxds.filters.config.SnapshotLeases;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Locale;
import java.util.Optional;

/**
 * Envoy's ext_authz {@code Authorization} service: the gateway's API-key check (docs/context-protocol.md
 * "Authentication"). Each {@code Check} runs under the data-path snapshot current when it arrives and answers
 * <ul>
 *   <li>no key: denied, 401 {@code missing_api_key}; a key that is nobody's: denied, 401 {@code invalid_api_key};</li>
 *   <li>a consumer's key: OK, setting {@code x-llm-consumer} and {@code x-llm-tier} and removing every key header,
 *       so the key never goes upstream;</li>
 *   <li>a snapshot without a consumer table: the RPC fails {@code UNAVAILABLE}, which Envoy answers with its
 *       {@code status_on_error} (503): a gateway that checks keys never lets a request through unchecked.</li>
 * </ul>
 * Spans and meters name the outcome and the consumer, never the key nor anything derived from it.
 */
public final class AuthorizationService extends AuthorizationGrpc.AuthorizationImplBase {
  public static final String INSTRUMENTATION = "io.llmxds.filters.auth";
  public static final String CHECKS = "llm_xds.auth.checks";
  public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("llm_xds.auth.outcome");
  public static final AttributeKey<String> CONSUMER = AttributeKey.stringKey("llm_xds.auth.consumer");
  private static final String NONE = "none";

  /** How a check ended. */
  public enum Outcome {
    OK, MISSING_KEY, INVALID_KEY, UNCONFIGURED, FAILED;

    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final SnapshotLeases snapshots;
  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final MeterRegistry meters;

  public AuthorizationService(SnapshotLeases snapshots, OpenTelemetry openTelemetry, MeterRegistry meters) {
    this.snapshots = snapshots;
    this.tracer = openTelemetry.getTracer(INSTRUMENTATION);
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    this.meters = meters;
  }

  /** This service behind the interceptor that reads each call's trace from its initial metadata. */
  public ServerServiceDefinition service() {
    return ServerInterceptors.intercept(this, new CallTrace(propagator));
  }

  @Override
  public void check(CheckRequest request, StreamObserver<CheckResponse> responses) {
    // A bug must not let a request through: a failed RPC is Envoy's status_on_error.
    DataPathCall.serve(snapshots, tracer, "auth.check", responses, "the key check failed",
        span -> ended(span, Outcome.FAILED, Optional.empty()), (snapshot, span) -> {
          if (snapshot.consumers().isEmpty()) {
            ended(span, Outcome.UNCONFIGURED, Optional.empty());
            span.setStatus(StatusCode.ERROR, "no consumer table");
            throw Status.UNAVAILABLE.withDescription("no consumer table: data-path config " + snapshot.config()
                + " has no consumers, so no API key can be checked").asRuntimeException();
          }
          return answer(request, snapshot.consumers().get(), span);
        });
  }

  private CheckResponse answer(CheckRequest request, Consumers consumers, Span span) {
    Optional<String> key = ApiKeyHeaders.keyOf(ApiKeyHeaders.of(request.getAttributes().getRequest().getHttp()));
    if (key.isEmpty()) {
      ended(span, Outcome.MISSING_KEY, Optional.empty());
      return denied(OpenAiErrors.missingKey());
    }
    Optional<Consumer> consumer = consumers.byKey(key.get());
    if (consumer.isEmpty()) {
      ended(span, Outcome.INVALID_KEY, Optional.empty());
      return denied(OpenAiErrors.invalidKey());
    }
    ended(span, Outcome.OK, consumer);
    consumer.get().labels().forEach((label, value) ->
        span.setAttribute(AttributeKey.stringKey("llm_xds.auth.consumer.label." + label), value));
    OkHttpResponse.Builder ok = OkHttpResponse.newBuilder()
        .addHeaders(header(GatewayIdentity.CONSUMER_HEADER, consumer.get().name()))
        .addHeaders(header(GatewayIdentity.TIER_HEADER, consumer.get().tier()))
        .addAllHeadersToRemove(GatewayIdentity.KEY_HEADERS);
    return CheckResponse.newBuilder()
        .setStatus(com.google.rpc.Status.newBuilder().setCode(Code.OK_VALUE))
        .setOkResponse(ok)
        .build();
  }

  /** Envoy answers a denied check itself, with this status, body and headers (docs/envoy-semantics.md EA3). */
  private static CheckResponse denied(String body) {
    return CheckResponse.newBuilder()
        .setStatus(com.google.rpc.Status.newBuilder().setCode(Code.UNAUTHENTICATED_VALUE))
        .setDeniedResponse(DeniedHttpResponse.newBuilder()
            .setStatus(HttpStatus.newBuilder().setCode(io.envoyproxy.envoy.type.v3.StatusCode.Unauthorized))
            .addHeaders(header("content-type", OpenAiErrors.CONTENT_TYPE))
            .addHeaders(header("www-authenticate", "Bearer"))
            .setBody(body))
        .build();
  }

  /** Envoy's ext_authz reads a header's {@code value} (not {@code raw_value}) and sets it unless {@code append}. */
  private static HeaderValueOption header(String name, String value) {
    return HeaderValueOption.newBuilder()
        .setHeader(HeaderValue.newBuilder().setKey(name).setValue(value))
        .setAppendAction(HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD)
        .build();
  }

  private void ended(Span span, Outcome outcome, Optional<Consumer> consumer) {
    String name = consumer.map(Consumer::name).orElse(NONE);
    span.setAttribute(OUTCOME, outcome.tag());
    span.setAttribute(CONSUMER, name);
    meters.counter(CHECKS, "outcome", outcome.tag(), "consumer", name).increment();
  }
}
