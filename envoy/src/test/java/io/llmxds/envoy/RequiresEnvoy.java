package io.llmxds.envoy;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips a test class, with the reason, when no Envoy can run here ({@link EnvoyRuntimes}). The reason is also
 * printed once per class: Maven's console shows that a test was skipped, not why.
 */
final class RequiresEnvoy implements ExecutionCondition {

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    EnvoyRuntimes.Detection detection = EnvoyRuntimes.detect();
    if (detection.runtime().isPresent()) {
      return ConditionEvaluationResult.enabled(detection.reason());
    }
    if (context.getTestMethod().isEmpty()) {
      System.err.println(context.getDisplayName() + " SKIPPED: " + detection.reason());
    }
    return ConditionEvaluationResult.disabled(detection.reason());
  }
}
