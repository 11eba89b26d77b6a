package io.llmxds.filters.extproc;

import io.llmxds.filters.context.ContextSpanAttributes;
import io.micrometer.core.instrument.Tags;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One LLM call through the gateway, described the way the OpenTelemetry GenAI semantic conventions (v1.41.0)
 * describe a call to a model: a CLIENT span named {@code {gen_ai.operation.name} {gen_ai.request.model}} in the
 * current context (Envoy's span for the ext_proc stream, docs/envoy-semantics.md H5), linked to the client's own
 * trace, and the {@link GenAiMetrics}. It records names and counts only: never a key, a prompt or an answer's text.
 * The request model is the one the answering provider was sent (the route's rename, else the client's); the provider
 * and backend are the answering try's ({@link TryIdentity}).
 */
final class GenAiCall {
  /** {@link LlmApi#operation}. */
  static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
  /** The answering Provider's API: the telemetry flavour the conventions key on ({@code openai}, {@code anthropic}). */
  static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
  /** The model the answering provider was sent. */
  static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
  static final AttributeKey<List<String>> FINISH_REASONS =
      AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
  static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
  /** The provider's own counts ({@link TokenUsage}): billable tokens, as the conventions ask. */
  static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
  static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
  static final AttributeKey<Double> TIME_TO_FIRST_CHUNK =
      AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk");
  /** The answer's status code when not 2xx, or {@link #CANCELLED}. */
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<Long> STATUS_CODE = AttributeKey.longKey("http.response.status_code");
  // Ours: where the call went in the gateway's config, and for whom.
  static final AttributeKey<String> MODEL_ROUTE = AttributeKey.stringKey("llm_xds.model_route");
  static final AttributeKey<String> CLIENT_MODEL =
      AttributeKey.stringKey("llm_xds.client_model");
  /** The Provider (policy name) whose try answered. */
  static final AttributeKey<String> BACKEND = AttributeKey.stringKey("llm_xds.backend");
  /** The authenticated Consumer's name: never its key. */
  static final AttributeKey<String> CONSUMER = AttributeKey.stringKey("llm_xds.consumer");
  /** What the provider name is when no try's headers named one (a local reply, a try without the upstream phase). */
  static final String UNKNOWN = "unknown";
  /** The error type of a call whose answer never ended: Envoy closed the stream first (client gone, timeout). */
  static final String CANCELLED = "cancelled";

  /** What the call asked for, as the client-facing phase learnt it from the request. */
  record Request(LlmApi api, Optional<String> clientModel, Optional<String> route, Optional<String> consumer,
      String configVersion) {}

  private final GenAiMetrics metrics;
  private final Clock clock;
  private final Instant started;
  private final Request request;
  private final Span span;
  private int status;
  private TryIdentity answeredBy = TryIdentity.NONE;
  private Optional<Duration> firstChunk = Optional.empty();
  private boolean ended;

  /** A call that arrived at {@code started}, in the current context's trace; {@code client} is the client's span. */
  GenAiCall(ServiceParts parts, Instant started, Request request, SpanContext client) {
    this.metrics = parts.genAi();
    this.clock = parts.clock();
    this.started = started;
    this.request = request;
    var builder = parts.tracer().spanBuilder(name(request.clientModel()))
        .setSpanKind(SpanKind.CLIENT)
        .setStartTimestamp(started)
        .setAttribute(OPERATION, request.api().operation)
        .setAttribute(ContextSpanAttributes.CONFIG_VERSION, request.configVersion());
    request.clientModel().ifPresent(m -> builder.setAttribute(CLIENT_MODEL, m));
    request.route().ifPresent(r -> builder.setAttribute(MODEL_ROUTE, r));
    request.consumer().ifPresent(c -> builder.setAttribute(CONSUMER, c));
    if (client.isValid()) {
      // The client's own trace (its traceparent): Envoy's request span continues it, this span is linked to it.
      builder.addLink(client);
    }
    this.span = builder.startSpan();
  }

  /** The answer's headers: its status, and who answered. */
  void answered(int status, TryIdentity answeredBy) {
    this.status = status;
    this.answeredBy = answeredBy;
  }

  /** A chunk of a streamed answer arrived; the first one's time counts. */
  void chunk() {
    if (firstChunk.isEmpty()) {
      firstChunk = Optional.of(Duration.between(started, clock.instant()));
    }
  }

  /** The answer is complete (whatever it says): the span ends, the metrics are recorded. Once. */
  void end(LlmAnswer answer) {
    if (ended) {
      return;
    }
    ended = true;
    Optional<String> requestModel = answeredBy.model().or(request::clientModel);
    String provider = answeredBy.api().orElse(UNKNOWN);
    String errorType = status == 0 ? CANCELLED : status / 100 == 2 ? "" : Integer.toString(status);
    span.updateName(name(requestModel));
    span.setAttribute(PROVIDER, provider);
    requestModel.ifPresent(m -> span.setAttribute(REQUEST_MODEL, m));
    answer.model().ifPresent(m -> span.setAttribute(RESPONSE_MODEL, m));
    answeredBy.provider().ifPresent(p -> span.setAttribute(BACKEND, p));
    if (status != 0) {
      span.setAttribute(STATUS_CODE, (long) status);
    }
    answer.usage().ifPresent(u -> {
      span.setAttribute(INPUT_TOKENS, u.promptTokens());
      span.setAttribute(OUTPUT_TOKENS, u.completionTokens());
    });
    if (!answer.finishReasons().isEmpty()) {
      span.setAttribute(FINISH_REASONS, answer.finishReasons());
    }
    firstChunk.ifPresent(d -> span.setAttribute(TIME_TO_FIRST_CHUNK, d.toNanos() / 1e9));
    if (!errorType.isEmpty()) {
      span.setAttribute(ERROR_TYPE, errorType);
      span.setStatus(StatusCode.ERROR, errorType);
    }
    Duration took = Duration.between(started, clock.instant());
    span.end(started.plus(took));

    // A client may send any model name (a regex route, the catch-all's 404): as a label it must be one the config
    // names (a rename) or a provider accepted (a 2xx answer), else every made-up name would be a new series.
    Optional<String> boundedModel = answeredBy.model()
        .or(() -> errorType.isEmpty() ? request.clientModel() : Optional.empty());
    Tags tags = Tags.of(OPERATION.getKey(), request.api().operation, PROVIDER.getKey(), provider,
        REQUEST_MODEL.getKey(), boundedModel.orElse(""), RESPONSE_MODEL.getKey(), answer.model().orElse(""),
        MODEL_ROUTE.getKey(), request.route().orElse(""));
    answer.usage().ifPresent(u -> {
      metrics.tokens(tags, "input", u.promptTokens());
      metrics.tokens(tags, "output", u.completionTokens());
    });
    metrics.duration(tags, errorType, took);
    if (errorType.isEmpty()) {
      firstChunk.ifPresent(d -> metrics.timeToFirstChunk(tags, d));
    }
  }

  /** The stream closed: a call whose answer did not end is recorded as cancelled (its status kept if it had one). */
  void closed() {
    if (!ended && status / 100 == 2) {
      status = 0;
    }
    end(LlmAnswer.NONE);
  }

  private String name(Optional<String> model) {
    return model.map(m -> request.api().operation + " " + m).orElse(request.api().operation);
  }
}
