package io.llmxds.filters.extproc;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Arrays;

/**
 * The GenAI client metrics of the OpenTelemetry semantic conventions (v1.41.0, docs/observability.md "GenAI
 * telemetry"), recorded for every LLM call through the gateway, with the conventions' advised bucket boundaries.
 * Prometheus names them {@code gen_ai_client_token_usage}, {@code gen_ai_client_operation_duration_seconds} and
 * {@code gen_ai_client_operation_time_to_first_chunk_seconds}. Tags are names of operations, providers, models and
 * routes: never text of a request.
 */
final class GenAiMetrics {
  static final String TOKEN_USAGE = "gen_ai.client.token.usage";
  static final String OPERATION_DURATION = "gen_ai.client.operation.duration";
  static final String TIME_TO_FIRST_CHUNK = "gen_ai.client.operation.time_to_first_chunk";
  static final String TOKEN_TYPE = "gen_ai.token.type";

  private static final double[] TOKEN_BUCKETS = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576,
      4194304, 16777216, 67108864};
  private static final Duration[] DURATION_BUCKETS = seconds(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56,
      5.12, 10.24, 20.48, 40.96, 81.92);
  private static final Duration[] FIRST_CHUNK_BUCKETS = seconds(0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1,
      0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);

  private final MeterRegistry registry;

  GenAiMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** @param type {@code input} or {@code output} */
  void tokens(Tags call, String type, long count) {
    DistributionSummary.builder(TOKEN_USAGE)
        .description("Number of input and output tokens used")
        .tags(call).tag(TOKEN_TYPE, type)
        .serviceLevelObjectives(TOKEN_BUCKETS)
        .register(registry)
        .record(count);
  }

  /** @param errorType empty when the call succeeded (Prometheus wants the same label names on every series) */
  void duration(Tags call, String errorType, Duration duration) {
    Timer.builder(OPERATION_DURATION)
        .description("GenAI operation duration")
        .tags(call).tag(GenAiCall.ERROR_TYPE.getKey(), errorType)
        .serviceLevelObjectives(DURATION_BUCKETS)
        .register(registry)
        .record(duration);
  }

  void timeToFirstChunk(Tags call, Duration duration) {
    Timer.builder(TIME_TO_FIRST_CHUNK)
        .description("Time to receive the first chunk of a streamed answer")
        .tags(call)
        .serviceLevelObjectives(FIRST_CHUNK_BUCKETS)
        .register(registry)
        .record(duration);
  }

  private static Duration[] seconds(double... bounds) {
    return Arrays.stream(bounds).mapToObj(s -> Duration.ofNanos(Math.round(s * 1e9))).toArray(Duration[]::new);
  }
}
