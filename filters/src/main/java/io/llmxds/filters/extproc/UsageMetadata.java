package io.llmxds.filters.extproc;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.llmxds.common.ContextPolicyMetadata;

/**
 * Token usage as Envoy dynamic metadata, namespace {@value #NAMESPACE}, for token-based rate limits
 * ({@code %DYNAMIC_METADATA(io.llmxds.usage:total_tokens)%}). Numbers are numbers.
 */
final class UsageMetadata {
  static final String NAMESPACE = ContextPolicyMetadata.USAGE_NAMESPACE;

  private UsageMetadata() {}

  static Struct of(TokenUsage usage, String model) {
    Struct.Builder fields = Struct.newBuilder()
        .putFields(ContextPolicyMetadata.USAGE_PROMPT_TOKENS, number(usage.promptTokens()))
        .putFields(ContextPolicyMetadata.USAGE_COMPLETION_TOKENS, number(usage.completionTokens()))
        .putFields(ContextPolicyMetadata.USAGE_TOTAL_TOKENS, number(usage.totalTokens()));
    if (!model.isEmpty()) {
      fields.putFields(ContextPolicyMetadata.USAGE_MODEL, Value.newBuilder().setStringValue(model).build());
    }
    return Struct.newBuilder().putFields(NAMESPACE, Value.newBuilder().setStructValue(fields).build()).build();
  }

  private static Value number(long n) {
    return Value.newBuilder().setNumberValue(n).build();
  }
}
