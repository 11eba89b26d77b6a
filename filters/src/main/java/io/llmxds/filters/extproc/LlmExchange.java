package io.llmxds.filters.extproc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest.RequestCase;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.llmxds.common.DataPathConfig;
import io.llmxds.common.GatewayIdentity;
import io.llmxds.filters.auth.Consumer;
import io.llmxds.filters.config.DataPathSnapshot;
import io.llmxds.filters.config.TableRoute;
import io.llmxds.filters.context.ContextSpanAttributes;
import io.llmxds.filters.context.RequestPolicy;
import io.llmxds.filters.context.SessionKey;
import io.llmxds.filters.context.Turn;
import io.llmxds.filters.extproc.ServiceMetrics.Outcome;
import io.llmxds.filters.store.StoreException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client request through the context service (docs/context-protocol.md, docs/llm-apis.md): a request to one of
 * the {@link LlmApi}s is routed by its body's model, its answer's usage is reported, and a conversation gets its
 * session's history injected under the policy its snapshot's table gives that model and its exchange stored once the
 * answer is complete. Anything else passes untouched. A body the API does not take gets a 400 in the API's error
 * shape. On a gateway with consumers, a request must name one of the snapshot's consumers (401) that may use the
 * model's route (403), and its sessions are that consumer's.
 */
final class LlmExchange implements ExchangeHandler {
  private static final Logger log = LoggerFactory.getLogger(LlmExchange.class);
  /** A model name that is a valid header value and a sane route key; anything else is not routed by model. */
  private static final Pattern ROUTABLE_MODEL = Pattern.compile("[\\x21-\\x7e]{1,256}");
  private static final AttributeKey<Long> TURNS_LOADED = AttributeKey.longKey("llm_xds.context.turns.loaded");
  private static final AttributeKey<Long> TURNS_DROPPED = AttributeKey.longKey("llm_xds.context.turns.dropped");
  private static final AttributeKey<Long> CHARS = AttributeKey.longKey("llm_xds.context.chars");
  private static final AttributeKey<String> FAILURE_MODE = AttributeKey.stringKey("llm_xds.context.failure_mode");
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  private final DataPathSnapshot snapshot;
  private final ServiceParts parts;

  /** Who the gateway authenticated; empty on an anonymous gateway. */
  private Optional<Consumer> consumer = Optional.empty();
  /** The API the request calls; null when it calls none, and passes untouched. */
  private LlmApi api;
  private Instant arrivedAt = Instant.EPOCH;
  /** Kept for the body: which headers name the session depends on the policy, and so on the body's model. */
  private Headers requestHeaders;
  /** The policy and session, once the request runs with a session's context. */
  private Optional<RequestPolicy> policy = Optional.empty();
  private Optional<SessionKey> session = Optional.empty();
  private Optional<String> requestModel = Optional.empty();
  /** The request's turns, waiting for the answer; set only when the request runs with a session's context. */
  private Optional<List<Turn>> pendingTurns = Optional.empty();
  private boolean succeeded;
  private boolean readable;
  private SseAnswer sse;
  private boolean usageEmitted;
  private boolean finished;
  /** The client's own trace, which the call's span links to. */
  private SpanContext clientTrace = SpanContext.getInvalid();
  private Optional<String> routeName = Optional.empty();
  /** The LLM call's telemetry, once the request is on its way to a provider. */
  private Optional<GenAiCall> call = Optional.empty();

  LlmExchange(DataPathSnapshot snapshot, ServiceParts parts) {
    this.snapshot = snapshot;
    this.parts = parts;
  }

  @Override
  public ProcessingResponse requestHeaders(Headers headers) {
    api = LlmApi.of(headers).orElse(null);
    if (snapshot.consumers().isPresent()) {
      // Only the gateway's key check sets the header (a client's is removed on arrival, GatewayIdentity).
      consumer = headers.get(GatewayIdentity.CONSUMER_HEADER).flatMap(snapshot.consumers().get()::named);
      if (consumer.isEmpty()) {
        parts.metrics().outcome(Outcome.UNAUTHENTICATED);
        return Responses.unauthenticated(errors());
      }
    }
    if (api == null) {
      countBypass(Bypass.NOT_LLM_API);
      return Responses.of(RequestCase.REQUEST_HEADERS, CommonResponse.getDefaultInstance())
          .setModeOverride(ProcessingModes.NOTHING_MORE)
          .build();
    }
    arrivedAt = parts.clock().instant();
    requestHeaders = headers;
    clientTrace = RequestTrace.client(parts.propagator(), headers);
    // The service must read the answer (to store it, and its usage): ask the provider for it uncompressed.
    CommonResponse.Builder common = CommonResponse.newBuilder();
    common.getHeaderMutationBuilder().addRemoveHeaders("accept-encoding");
    return Responses.of(RequestCase.REQUEST_HEADERS, common.build()).build();
  }

  /**
   * The body's answer; one that lets the body through also tells every try's upstream phase the client's path and
   * the body's length ({@link ClientMetadata}).
   */
  @Override
  public ProcessingResponse requestBody(HttpBody body) {
    if (api == null) {
      return Responses.passThrough(RequestCase.REQUEST_BODY);
    }
    ProcessingResponse response = routeAndInject(body);
    if (!response.hasRequestBody()) {
      return response;
    }
    call = Optional.of(new GenAiCall(parts, arrivedAt, new GenAiCall.Request(api, requestModel, routeName,
        consumer.map(Consumer::name), snapshot.config()), clientTrace));
    CommonResponse common = response.getRequestBody().getResponse();
    long forwarded = common.hasBodyMutation() ? common.getBodyMutation().getBody().size() : body.getBody().size();
    return response.toBuilder()
        .setDynamicMetadata(ClientMetadata.of(requestHeaders.get(":path").orElse(""), forwarded))
        .build();
  }

  private ProcessingResponse routeAndInject(HttpBody body) {
    if (!body.getEndOfStream()) {
      return bypassed(Bypass.BODY_INCOMPLETE);
    }
    JsonBody parsed = JsonBody.parse(body.getBody(), snapshot.maxBodyBytes());
    if (parsed.failure() == Bypass.BODY_TOO_LARGE) {
      // Passing it on unread would lose the model, and the catch-all route would answer a puzzling 404.
      countBypass(Bypass.BODY_TOO_LARGE);
      return Responses.bodyTooLarge(api.errors, body.getBody().size(), snapshot.maxBodyBytes());
    }
    if (parsed.json().isEmpty()) {
      // Unread, it would reach no model's route: the client learns why from the service instead.
      return invalid(parsed.failure(), new RequestFields.Invalid("", parsed.problem()));
    }
    ObjectNode json = parsed.json().get();
    Optional<RequestFields.Invalid> wrong = RequestFields.check(json, api);
    if (wrong.isPresent()) {
      return invalid(Bypass.INVALID_FIELD, wrong.get());
    }
    CommonResponse.Builder common = CommonResponse.newBuilder();
    requestModel = JsonBody.text(json, "model");
    Optional<String> routable = requestModel.filter(m -> ROUTABLE_MODEL.matcher(m).matches());
    routable.ifPresent(model -> {
      common.getHeaderMutationBuilder().addSetHeaders(Headers.set(DataPathConfig.MODEL_HEADER, model));
      common.setClearRouteCache(true);
    });
    Optional<TableRoute> route = snapshot.routeFor(routable);
    routeName = route.map(TableRoute::name);
    if (route.isPresent() && consumer.filter(c -> !c.mayUse(route.get().name())).isPresent()) {
      // The service's own answer, not a failure: it holds whatever the policy's failure mode says.
      parts.metrics().outcome(Outcome.MODEL_NOT_ALLOWED);
      return Responses.modelNotAllowed(api.errors, routable.orElseThrow());
    }
    Optional<RequestFields.Invalid> untranslatable = route.flatMap(r -> UnifiedApiCheck.check(api, json, r));
    if (untranslatable.isPresent()) {
      return invalid(Bypass.UNTRANSLATABLE, untranslatable.get());
    }
    if (!api.conversation) {
      return stateless(common, Bypass.NOT_CONVERSATION);
    }
    JsonNode messages = json.get("messages");
    if (messages == null || !messages.isArray()) {
      return stateless(common, Bypass.NO_MESSAGES);
    }
    Optional<RequestPolicy> routed = route.flatMap(TableRoute::policy);
    if (routed.isEmpty()) {
      return stateless(common, Bypass.NO_POLICY);
    }
    Optional<SessionKey> key = sessionOf(routed.get());
    if (key.isEmpty()) {
      return stateless(common, Bypass.NO_SESSION);
    }
    policy = routed;
    session = key;
    return inject(common, json, (ArrayNode) messages, routed.get(), key.get());
  }

  private Optional<SessionKey> sessionOf(RequestPolicy policy) {
    return requestHeaders.get(policy.sessionHeader()).map(id -> new SessionKey(id,
        policy.userHeader().isEmpty() ? Optional.empty() : requestHeaders.get(policy.userHeader()),
        consumer.map(Consumer::name)));
  }

  @SuppressWarnings("try") // the scope is only held open, never read
  private ProcessingResponse inject(
      CommonResponse.Builder common, ObjectNode json, ArrayNode messages, RequestPolicy policy, SessionKey key) {
    Span span = parts.tracer().spanBuilder("context.inject")
        .setAllAttributes(ContextSpanAttributes.of(policy, key, policy.store(), policy.schema()))
        .startSpan();
    try (Scope ignored = span.makeCurrent()) {
      List<Turn> loaded;
      try {
        loaded = parts.memory().load(key, policy, snapshot.stores());
      } catch (StoreException e) {
        return storeUnavailable(common, policy, span, e);
      }
      List<Turn> injected = HistoryLimits.newestWithin(loaded, policy.maxTurns(), policy.maxInjectedChars());
      span.setAttribute(ContextSpanAttributes.TURNS, (long) injected.size());
      span.setAttribute(TURNS_LOADED, (long) loaded.size());
      span.setAttribute(TURNS_DROPPED, (long) (loaded.size() - injected.size()));
      span.setAttribute(CHARS, HistoryLimits.chars(injected));
      pendingTurns = Optional.of(ChatMessages.storable(messages));
      if (!injected.isEmpty()) {
        ChatMessages.insertAfterSystem(messages, injected);
        Responses.replaceBody(common, json);
      }
      parts.metrics().injected(injected.size());
      parts.metrics().outcome(Outcome.INJECTED);
      return Responses.of(RequestCase.REQUEST_BODY, common.build()).build();
    } finally {
      span.end();
    }
  }

  private ProcessingResponse storeUnavailable(
      CommonResponse.Builder common, RequestPolicy policy, Span span, StoreException e) {
    parts.metrics().error("read");
    String mode = policy.failureMode().name().toLowerCase(Locale.ROOT);
    span.addEvent("context.store_unavailable",
        Attributes.of(FAILURE_MODE, mode, ERROR_TYPE, e.getClass().getSimpleName()));
    log.warn("context store '{}' unavailable (failure mode {}): {}", policy.store(), mode, e.getMessage());
    if (policy.failureMode() == RequestPolicy.FailureMode.CLOSED) {
      span.setStatus(StatusCode.ERROR, "context store unavailable");
      parts.metrics().outcome(Outcome.STORE_FAILED_CLOSED);
      return Responses.contextUnavailable(api.errors);
    }
    parts.metrics().outcome(Outcome.STORE_FAILED_OPEN);
    return Responses.of(RequestCase.REQUEST_BODY, common.build()).build();
  }

  @Override
  public ProcessingResponse responseHeaders(Headers headers) {
    if (api == null) {
      return Responses.passThrough(RequestCase.RESPONSE_HEADERS);
    }
    int status = headers.get(":status").filter(s -> s.matches("[1-5][0-9][0-9]")).map(Integer::parseInt).orElse(0);
    succeeded = status / 100 == 2;
    readable = headers.get("content-encoding").map(e -> e.equalsIgnoreCase("identity")).orElse(true);
    TryIdentity answeredBy = TryIdentity.of(headers);
    call.ifPresent(c -> c.answered(status, answeredBy));
    CommonResponse.Builder common = CommonResponse.newBuilder();
    if (!answeredBy.equals(TryIdentity.NONE)) {
      // Which provider answered is the gateway's business, not the client's.
      TryIdentity.removeFrom(common.getHeaderMutationBuilder());
    }
    boolean streaming = headers.get("content-type")
        .map(t -> t.toLowerCase(Locale.ROOT).startsWith("text/event-stream")).orElse(false);
    if (!streaming) {
      return Responses.of(RequestCase.RESPONSE_HEADERS, common.build()).build();
    }
    // Each chunk must reach the client as it comes, not once the whole answer is buffered.
    sse = new SseAnswer(snapshot.maxBodyBytes(), api.answers.stream());
    return Responses.of(RequestCase.RESPONSE_HEADERS, common.build())
        .setModeOverride(ProcessingModes.STREAMED_RESPONSE)
        .build();
  }

  @Override
  public ProcessingResponse responseBody(HttpBody body) {
    ProcessingResponse.Builder response =
        Responses.of(RequestCase.RESPONSE_BODY, CommonResponse.getDefaultInstance());
    if (api != null && !readable && body.getEndOfStream()) {
      call.ifPresent(c -> c.end(LlmAnswer.NONE));
    }
    if (api == null || !readable || finished) {
      return response.build();
    }
    if (sse != null) {
      if (!body.getBody().isEmpty()) {
        call.ifPresent(GenAiCall::chunk);
      }
      sse.feed(body.getBody());
      if (body.getEndOfStream()) {
        sse.end();
      }
      emitUsage(response, sse.usage(), sse.answer().model());
      if (body.getEndOfStream()) {
        finish(sse.answer(), Bypass.MALFORMED_SSE);
      }
      return response.build();
    }
    if (body.getEndOfStream()) {
      LlmAnswer answer = JsonBody.parse(body.getBody(), snapshot.maxBodyBytes()).json()
          .map(api.answers::ofJson).orElse(LlmAnswer.NONE);
      emitUsage(response, answer.usage(), answer.model());
      finish(answer, Bypass.UNREADABLE_RESPONSE);
    }
    return response.build();
  }

  /** A streamed response that ends with trailers has no body chunk with {@code end_of_stream}. */
  @Override
  public ProcessingResponse responseTrailers() {
    if (api != null && readable && sse != null && !finished) {
      sse.end();
      finish(sse.answer(), Bypass.MALFORMED_SSE);
    }
    return Responses.passThrough(RequestCase.RESPONSE_TRAILERS);
  }

  private void emitUsage(ProcessingResponse.Builder response, Optional<TokenUsage> usage, Optional<String> model) {
    if (usage.isPresent() && !usageEmitted) {
      usageEmitted = true;
      response.setDynamicMetadata(UsageMetadata.of(usage.get(), model.or(() -> requestModel).orElse("")));
    }
  }

  /** The answer is complete: store the exchange, once, when the request ran with context and succeeded. */
  private void finish(LlmAnswer answer, Bypass unreadable) {
    finished = true;
    call.ifPresent(c -> c.end(answer));
    if (!succeeded || !api.conversation) {
      return;
    }
    if (answer.content().isEmpty()) {
      parts.metrics().bypass(unreadable);
      return;
    }
    if (pendingTurns.isEmpty()) {
      return;
    }
    Optional<String> model = answer.model().or(() -> requestModel);
    List<Turn> turns = new ArrayList<>();
    for (Turn turn : pendingTurns.get()) {
      turns.add(new Turn(turn.role(), turn.content(), Optional.of(arrivedAt), model, Optional.empty()));
    }
    turns.add(new Turn("assistant", answer.content().get(), Optional.of(arrivedAt), model,
        answer.usage().map(TokenUsage::turnUsage)));
    try {
      parts.memory().append(session.orElseThrow(), policy.orElseThrow(), snapshot.stores(), turns);
    } catch (StoreException e) {
      // The answer exists and is on its way; failing it now would only waste it. The exchange is lost.
      parts.metrics().error("write");
      log.warn("context store '{}' could not store an exchange: {}", policy.get().store(), e.getMessage());
    }
  }

  /** A call whose answer never completed ends as cancelled. */
  @Override
  public void closed() {
    call.ifPresent(GenAiCall::closed);
  }

  private ProcessingResponse stateless(CommonResponse.Builder common, Bypass reason) {
    parts.metrics().bypass(reason);
    parts.metrics().outcome(Outcome.STATELESS);
    return Responses.of(RequestCase.REQUEST_BODY, common.build()).build();
  }

  private ProcessingResponse invalid(Bypass reason, RequestFields.Invalid why) {
    parts.metrics().bypass(reason);
    parts.metrics().outcome(Outcome.INVALID_REQUEST);
    return Responses.invalidRequest(api.errors, why.param(), why.message());
  }

  /** The error shape of the API called; OpenAI's for a request to none. */
  private ErrorShape errors() {
    return api != null ? api.errors : ErrorShape.OPENAI;
  }

  private ProcessingResponse bypassed(Bypass reason) {
    countBypass(reason);
    return Responses.passThrough(RequestCase.REQUEST_BODY);
  }

  private void countBypass(Bypass reason) {
    parts.metrics().bypass(reason);
    parts.metrics().outcome(Outcome.BYPASSED);
  }
}
