package io.llmxds.envoy;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Skips a test class, with the reason, when no Envoy can run here ({@link EnvoyRuntimes}). */
final class RequiresEnvoy implements ExecutionCondition {

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    EnvoyRuntimes.Detection detection = EnvoyRuntimes.detect();
    return detection.runtime().isPresent()
        ? ConditionEvaluationResult.enabled(detection.reason())
        : ConditionEvaluationResult.disabled(detection.reason());
  }
}
