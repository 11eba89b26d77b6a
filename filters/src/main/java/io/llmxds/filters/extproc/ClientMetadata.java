package io.llmxds.filters.extproc;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.llmxds.common.ContextPolicyMetadata;

/**
 * What the downstream phase tells the upstream phase of every try about the client's request, as dynamic metadata
 * ({@value ContextPolicyMetadata#CLIENT_NAMESPACE}; merged into the stream's, X18): the client's path and the length
 * of the body the router will send each try. The upstream phase reads them as request attributes (U5), because the
 * request headers it sees carry every earlier try's changes (RT3).
 */
final class ClientMetadata {

  private ClientMetadata() {}

  static Struct of(String path, long bodyBytes) {
    Struct fields = Struct.newBuilder()
        .putFields(ContextPolicyMetadata.CLIENT_PATH_KEY, Value.newBuilder().setStringValue(path).build())
        // A string: Envoy prints a double attribute with six digits (expr/evaluator.cc:216-217, matching_utils.cc:96-97).
        .putFields(ContextPolicyMetadata.CLIENT_BODY_BYTES_KEY,
            Value.newBuilder().setStringValue(Long.toString(bodyBytes)).build())
        .build();
    return Struct.newBuilder()
        .putFields(ContextPolicyMetadata.CLIENT_NAMESPACE, Value.newBuilder().setStructValue(fields).build())
        .build();
  }
}
