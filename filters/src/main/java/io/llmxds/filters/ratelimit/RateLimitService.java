package io.llmxds.filters.ratelimit;

import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.llmxds.common.GlobalRateLimits;
import io.llmxds.filters.auth.CallTrace;
import io.llmxds.filters.auth.DataPathCall;
import io.llmxds.filters.config.DataPathSnapshot;
import io.llmxds.filters.config.SnapshotLeases;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Envoy's {@code envoy.service.ratelimit.v3.RateLimitService}: the global request and token limits and budgets of
 * docs/global-rate-limits.md, counted in Redis and shared by every Envoy and every replica of this service. Each
 * {@code ShouldRateLimit} runs under the data-path snapshot current when it arrives; its request descriptors
 * ({@code charge=request}) are checked and counted, its stream-done descriptors ({@code input_tokens},
 * {@code output_tokens}) charged — Envoy ignores the answer to those (docs/envoy-semantics.md RS7).
 */
public final class RateLimitService extends RateLimitServiceGrpc.RateLimitServiceImplBase {
  public static final String INSTRUMENTATION = "io.llmxds.filters.ratelimit";
  public static final AttributeKey<String> CONSUMER = AttributeKey.stringKey("llm_xds.ratelimit.consumer");
  public static final AttributeKey<String> ROUTE = AttributeKey.stringKey("llm_xds.ratelimit.route");
  public static final AttributeKey<String> LIMIT = AttributeKey.stringKey("llm_xds.ratelimit.limit");
  public static final AttributeKey<String> PHASE = AttributeKey.stringKey("llm_xds.ratelimit.phase");
  public static final AttributeKey<String> DECISION = AttributeKey.stringKey("llm_xds.ratelimit.decision");
  public static final AttributeKey<Long> REMAINING = AttributeKey.longKey("llm_xds.ratelimit.remaining");
  /** Which decision a span names when a call decided several: the most severe. */
  private static final List<Decision> SEVERITY = List.of(Decision.OVER_LIMIT, Decision.ERROR_CLOSED,
      Decision.WOULD_REFUSE, Decision.ERROR_OPEN, Decision.OK);

  private final SnapshotLeases snapshots;
  private final Tracer tracer;
  private final OpenTelemetry openTelemetry;
  private final LimitTelemetry telemetry;
  private final LimitChecks checks;
  private final Clock clock;

  public RateLimitService(SnapshotLeases snapshots, OpenTelemetry openTelemetry, LimitTelemetry telemetry,
      Clock clock) {
    this.snapshots = snapshots;
    this.openTelemetry = openTelemetry;
    this.tracer = openTelemetry.getTracer(INSTRUMENTATION);
    this.telemetry = telemetry;
    this.checks = new LimitChecks(telemetry);
    this.clock = clock;
  }

  /** This service behind the interceptor that reads each call's trace from its initial metadata. */
  public ServerServiceDefinition service() {
    return ServerInterceptors.intercept(this, new CallTrace(openTelemetry.getPropagators().getTextMapPropagator()));
  }

  /**
   * Answered when the store has answered: no thread waits for Redis (a blocked thread per check piled up under CPU
   * starvation, docs/benchmarks.md "Issue 15"); the span ends and the snapshot is released with the answer.
   */
  @Override
  public void shouldRateLimit(RateLimitRequest request, StreamObserver<RateLimitResponse> responses) {
    // A bug fails the RPC: Envoy applies its own failure_mode_deny (docs/envoy-semantics.md RS6).
    DataPathCall.serveAsync(snapshots, tracer, "ratelimit.check", responses, "the rate limit check failed", span -> { },
        (snapshot, span) -> {
          if (!request.getDomain().equals(GlobalRateLimits.DOMAIN)) {
            span.setStatus(StatusCode.ERROR, "unknown domain");
            throw Status.INVALID_ARGUMENT.withDescription("domain is " + GlobalRateLimits.DOMAIN + ", not '"
                + request.getDomain() + "'").asRuntimeException();
          }
          return answer(snapshot, request, span);
        });
  }

  private CompletableFuture<RateLimitResponse> answer(DataPathSnapshot snapshot, RateLimitRequest request,
      Span span) {
    Instant now = clock.instant();
    List<LimitDescriptor> descriptors = new ArrayList<>();
    for (RateLimitDescriptor descriptor : request.getDescriptorsList()) {
      descriptors.add(LimitDescriptor.of(descriptor, request.getHitsAddend()));
    }
    // Descriptors of different limits count independently: their checks run at once.
    List<CompletableFuture<Verdict>> checked = new ArrayList<>();
    int[] statusIndex = new int[descriptors.size()];
    Map<AnswerOf, AnswerTokens> charges = new LinkedHashMap<>();
    for (int i = 0; i < descriptors.size(); i++) {
      LimitDescriptor d = descriptors.get(i);
      statusIndex[i] = -1;
      if (d.isRequest()) {
        statusIndex[i] = checked.size();
        checked.add(checks.check(snapshot, d, now).thenApply(verdict -> {
          telemetry.decided(verdict);
          return verdict;
        }));
      } else if (d.isTokenCharge()) {
        // Input and output of one answer arrive as two descriptors of the same limit: one charge.
        AnswerOf answer = new AnswerOf(d.limit(), d.route(), d.consumer(), d.tier(), d.model());
        charges.computeIfAbsent(answer, a -> new AnswerTokens(d)).add(d);
      }
    }
    CompletableFuture<Void> charged = chargeAll(snapshot, charges, now);
    return CompletableFuture.allOf(checked.toArray(CompletableFuture<?>[]::new)).thenCombine(charged, (c, d) -> {
      List<Verdict> verdicts = checked.stream().map(CompletableFuture::join).toList();
      describe(span, descriptors, verdicts, charges.isEmpty());
      return RateLimitReply.of(verdicts, statusIndex);
    });
  }

  /** One answer as one limit's stream-done descriptors name it. */
  private record AnswerOf(String limit, String route, Optional<String> consumer, Optional<String> tier,
      Optional<String> model) {}

  /** One answer's input and output tokens for one limit; its first descriptor stands for both. */
  private static final class AnswerTokens {
    private final LimitDescriptor descriptor;
    private long input;
    private long output;

    AnswerTokens(LimitDescriptor descriptor) {
      this.descriptor = descriptor;
    }

    void add(LimitDescriptor d) {
      if (d.charge().equals(GlobalRateLimits.CHARGE_OUTPUT_TOKENS)) {
        output += d.hits();
      } else {
        input += d.hits();
      }
    }
  }

  /** One answer as the meters count it. */
  private record Metered(Optional<String> consumer, String model, long inputTokens, long outputTokens) {}

  private CompletableFuture<Void> chargeAll(DataPathSnapshot snapshot, Map<AnswerOf, AnswerTokens> charges,
      Instant now) {
    Map<AnswerOf, CompletableFuture<Optional<Charge>>> charged = new LinkedHashMap<>();
    charges.forEach((answer, tokens) ->
        charged.put(answer, checks.charge(snapshot, tokens.descriptor, tokens.input, tokens.output, now)));
    return CompletableFuture.allOf(charged.values().toArray(CompletableFuture<?>[]::new)).thenRun(() -> {
      // Every limit covering the route gets the same answer's tokens: the meters count it once.
      Map<Metered, Optional<Long>> metered = new LinkedHashMap<>();
      charged.forEach((answer, charge) -> {
        Optional<Long> cost = charge.join().filter(c -> c.nanoDollars() > 0).map(Charge::nanoDollars);
        AnswerTokens tokens = charges.get(answer);
        metered.merge(new Metered(answer.consumer(), answer.model().orElse("unknown"), tokens.input, tokens.output),
            cost,
            (first, next) -> first.or(() -> next));
      });
      metered.forEach((answer, cost) ->
          telemetry.charged(answer.consumer(), answer.model(), answer.inputTokens(), answer.outputTokens(), cost));
    });
  }

  /** Ids, counts and the decision: never a counter's key. */
  private static void describe(Span span, List<LimitDescriptor> descriptors, List<Verdict> verdicts,
      boolean requestPhase) {
    span.setAttribute(PHASE, requestPhase ? "request" : "stream_done");
    if (!descriptors.isEmpty()) {
      span.setAttribute(CONSUMER, descriptors.get(0).consumer().orElse("none"));
      span.setAttribute(ROUTE, descriptors.get(0).route());
    }
    span.setAttribute(LIMIT, descriptors.stream().map(LimitDescriptor::limit).distinct()
        .collect(Collectors.joining(",")));
    if (requestPhase) {
      Decision decision = verdicts.stream().map(Verdict::decision).min(Comparator.comparingInt(SEVERITY::indexOf))
          .orElse(Decision.OK);
      span.setAttribute(DECISION, decision.tag());
      verdicts.stream().flatMap(v -> v.rules().stream()).mapToLong(RuleState::remaining).min()
          .ifPresent(remaining -> span.setAttribute(REMAINING, remaining));
    }
  }
}
