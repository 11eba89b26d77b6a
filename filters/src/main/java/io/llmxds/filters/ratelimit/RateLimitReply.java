package io.llmxds.filters.ratelimit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.Code;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.DescriptorStatus;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The answer Envoy's ratelimit filter gets (docs/global-rate-limits.md "Answers"). OVER_LIMIT: Envoy replies 429 itself
 * with {@code raw_body} and {@code response_headers_to_add} (RS4, RS5): an OpenAI error, {@code content-type}, {@code
 * retry-after} and OpenAI's {@code x-ratelimit-*} headers. OK: the {@code x-ratelimit-*} headers only, which Envoy adds
 * to the upstream's response (RS3) — never a {@code content-type}, which would be a second one there.
 */
final class RateLimitReply {
  static final String CONTENT_TYPE = "application/json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private RateLimitReply() {}

  /**
   * @param verdicts one per request descriptor
   * @param statusIndex per descriptor of the request, in its order: its verdict's index, or -1 (a stream-done charge)
   */
  static RateLimitResponse of(List<Verdict> verdicts, int[] statusIndex) {
    RateLimitResponse.Builder response = RateLimitResponse.newBuilder();
    for (int index : statusIndex) {
      Verdict verdict = index < 0 ? null : verdicts.get(index);
      DescriptorStatus.Builder status = DescriptorStatus.newBuilder()
          .setCode(verdict != null && verdict.decision().refuses() ? Code.OVER_LIMIT : Code.OK);
      if (verdict != null) {
        mostRestrictive(verdict.rules(), false).ifPresent(r -> status.setLimitRemaining((int) Math.min(
            Integer.MAX_VALUE, r.remaining())));
      }
      response.addStatuses(status);
    }
    List<RuleState> shown = verdicts.stream().filter(Verdict::shown).flatMap(v -> v.rules().stream()).toList();
    Optional<RuleState> requests = mostRestrictive(shown, false);
    Optional<RuleState> tokens = mostRestrictive(shown, true);
    requests.ifPresent(r -> triple(response, "requests", r));
    tokens.ifPresent(r -> triple(response, "tokens", r));
    Optional<Verdict> over = verdicts.stream().filter(v -> v.decision() == Decision.OVER_LIMIT).findFirst();
    boolean unavailable = verdicts.stream().anyMatch(v -> v.decision() == Decision.ERROR_CLOSED);
    if (over.isEmpty() && !unavailable) {
      return response.setOverallCode(Code.OK).build();
    }
    response.setOverallCode(Code.OVER_LIMIT);
    if (over.isPresent()) {
      // The rule that refuses longest decides the message and the wait.
      RuleState refusing = over.get().rules().stream().filter(RuleState::over)
          .max(Comparator.comparing(RuleState::reset)).orElseThrow();
      header(response, "retry-after", Long.toString(OpenAiDuration.ceilSeconds(refusing.reset())));
      response.setRawBody(ByteString.copyFromUtf8(refusal(over.get().descriptor().route(), refusing)));
    } else {
      header(response, "retry-after", "1");
      response.setRawBody(ByteString.copyFromUtf8(unavailable()));
    }
    header(response, "content-type", CONTENT_TYPE);
    return response.build();
  }

  /** The request (or token) rule with the least remaining, the one ending later breaking ties. */
  private static Optional<RuleState> mostRestrictive(List<RuleState> rules, boolean tokens) {
    return rules.stream().filter(r -> r.rule().unit().chargedAtStreamDone() == tokens
            && r.rule().unit() != LimitRule.Unit.USD)
        .min(Comparator.comparingLong(RuleState::remaining).thenComparing(RuleState::reset, Comparator.reverseOrder()));
  }

  private static void triple(RateLimitResponse.Builder response, String what, RuleState rule) {
    header(response, "x-ratelimit-limit-" + what, Long.toString(rule.rule().amount()));
    header(response, "x-ratelimit-remaining-" + what, Long.toString(rule.remaining()));
    header(response, "x-ratelimit-reset-" + what, OpenAiDuration.format(rule.reset()));
  }

  private static void header(RateLimitResponse.Builder response, String name, String value) {
    response.addResponseHeadersToAdd(HeaderValue.newBuilder().setKey(name).setValue(value));
  }

  /** {@code {"error":{"message","type","code"}}} as OpenAI words a 429. */
  static String refusal(String route, RuleState refusing) {
    LimitRule rule = refusing.rule();
    String wait = " Please try again in " + OpenAiDuration.format(refusing.reset()) + ".";
    if (rule.kind() == LimitRule.Kind.BUDGET) {
      return error("Budget exceeded on " + route + ": " + amount(rule, rule.amount()) + " per "
          + rule.window().id() + ", used " + amount(rule, refusing.value()) + "." + wait,
          "insufficient_quota", "insufficient_quota");
    }
    String what = rule.unit() == LimitRule.Unit.REQUESTS ? "requests" : "tokens";
    return error("Rate limit reached on " + route + " for " + rule.unit().wire() + " per " + rule.window().id()
        + ": limit " + rule.amount()
        + ", used " + refusing.value() + "." + wait, what, "rate_limit_exceeded");
  }

  static String unavailable() {
    return error("The rate limit service is unavailable. Please try again in 1s.", "requests",
        "rate_limit_unavailable");
  }

  private static String amount(LimitRule rule, long value) {
    return rule.unit() == LimitRule.Unit.USD
        ? "$" + BigDecimal.valueOf(value).movePointLeft(9).stripTrailingZeros().toPlainString()
        : value + " " + rule.unit().wire().replace('_', ' ');
  }

  private static String error(String message, String type, String code) {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("error").put("message", message).put("type", type).put("code", code);
    return body.toString();
  }
}
