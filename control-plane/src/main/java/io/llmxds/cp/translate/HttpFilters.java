package io.llmxds.cp.translate;

import io.llmxds.cp.policy.ContextPolicy.FailureMode;
import java.util.List;

/** The gateway's HTTP filters, in the order Envoy runs them. */
final class HttpFilters {

  /**
   * ext_authz first (with Consumers): no other filter may see a request before it is authenticated, and everything
   * after it reads the identity it set. Then ext_proc: it reads the model from the body and sets the header the
   * routes are picked by, so the local rate limit after it looks up its per-route config on the re-picked route;
   * the global rate limits after it too, for the same reason and because ext_proc's answer carries the usage they
   * charge at stream done (RL3); the router must be last.
   */
  static final List<HttpFilterFeature> ORDERED = List.of(
      new ExtAuthzFeature(), new ExtProcFeature(), new LocalRateLimitFeature(),
      new GlobalRateLimitFeature(FailureMode.OPEN), new GlobalRateLimitFeature(FailureMode.CLOSED),
      new RouterFeature());

  private HttpFilters() {}
}
