package io.llmxds.bench.context;

/**
 * One step's figures: latencies (nanoseconds, sorted) from stream open to the last answer, the rate actually
 * achieved, failures, and the generator's own lag behind its schedule (if that grows, the generator — not the
 * service — is the limit).
 */
record StepResult(String variant, int rate, double achievedPerSecond, long[] sortedLatencies, int failed, int lost,
    int historyAdded, long startLagP99Nanos, String firstFailure) {

  long p50() {
    return StepRecorder.percentile(sortedLatencies, 0.50);
  }

  long p99() {
    return StepRecorder.percentile(sortedLatencies, 0.99);
  }

  long max() {
    return sortedLatencies.length == 0 ? 0 : sortedLatencies[sortedLatencies.length - 1];
  }
}
