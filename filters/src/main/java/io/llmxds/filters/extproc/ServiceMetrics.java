package io.llmxds.filters.extproc;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The context service's Micrometer meters (Prometheus: {@code llm_xds_context_requests_total}, …). Tags are
 * outcomes, reasons and stages: never ids or text.
 */
final class ServiceMetrics {
  static final String REQUESTS = "llm_xds.context.requests";
  static final String BYPASSES = "llm_xds.context.bypasses";
  static final String INJECTED_TURNS = "llm_xds.context.injected.turns";
  static final String ERRORS = "llm_xds.context.errors";

  /** How a request ended for the service. */
  enum Outcome {
    INJECTED, STATELESS, BYPASSED, STORE_FAILED_OPEN, STORE_FAILED_CLOSED, UPSTREAM_REWRITTEN, UPSTREAM_UNCHANGED,
    UPSTREAM_TRANSLATED, UPSTREAM_UNTRANSLATABLE,
    UNAUTHENTICATED, MODEL_NOT_ALLOWED, INVALID_REQUEST;

    String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final MeterRegistry registry;
  private final DistributionSummary injectedTurns;

  ServiceMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.injectedTurns = DistributionSummary.builder(INJECTED_TURNS)
        .description("Stored turns injected into a request")
        .register(registry);
  }

  void outcome(Outcome outcome) {
    registry.counter(REQUESTS, "outcome", outcome.tag()).increment();
  }

  void bypass(Bypass reason) {
    registry.counter(BYPASSES, "reason", reason.tag()).increment();
  }

  void injected(int turns) {
    injectedTurns.record(turns);
  }

  /** {@code stage}: {@code read}, {@code write} (the store failed), {@code internal} (a bug, answered unchanged). */
  void error(String stage) {
    registry.counter(ERRORS, "stage", stage).increment();
  }
}
