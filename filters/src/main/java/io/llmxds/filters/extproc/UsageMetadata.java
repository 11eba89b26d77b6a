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
        .putFields("prompt_tokens", number(usage.promptTokens()))
        .putFields("completion_tokens", number(usage.completionTokens()))
        .putFields("total_tokens", number(usage.totalTokens()));
    if (!model.isEmpty()) {
      fields.putFields("model", Value.newBuilder().setStringValue(model).build());
    }
    return Struct.newBuilder().putFields(NAMESPACE, Value.newBuilder().setStructValue(fields).build()).build();
  }

  private static Value number(long n) {
    return Value.newBuilder().setNumberValue(n).build();
  }
}
