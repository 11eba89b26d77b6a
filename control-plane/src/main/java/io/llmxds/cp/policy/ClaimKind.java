package io.llmxds.cp.policy;

/** Things at most one document of a bundle may take for itself, and how to say that two did. */
enum ClaimKind {
  /** A model name: a request for it must go to exactly one ModelRoute. */
  MODEL("model \"%s\" is already claimed by %s (%s)"),
  /** A ModelRoute that has a RateLimit: two limits on one route would make its bucket ambiguous. */
  RATE_LIMITED_ROUTE("model route \"%s\" already has a rate limit: %s (%s)");

  private final String conflict;

  ClaimKind(String conflict) {
    this.conflict = conflict;
  }

  String conflict(String value, String firstLabel, String firstWhere) {
    return String.format(conflict, value, firstLabel, firstWhere);
  }
}
