package io.llmxds.cp.translate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;

/**
 * One Envoy resource as a JSON tree, the way every view of config shows it ({@code render}, golden files, the admin
 * config dump): proto field names, {@code Any} unpacked, sensitive fields (secrets) replaced by a fingerprint.
 */
public final class ResourceJson {

  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().usingTypeRegistry(EnvoyTypes.REGISTRY).preservingProtoFieldNames();
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ResourceJson() {}

  public static JsonNode redacted(Message resource) {
    try {
      return MAPPER.readTree(PRINTER.print(SensitiveFields.redact(resource)));
    } catch (InvalidProtocolBufferException | JsonProcessingException e) {
      throw new IllegalStateException("cannot print a " + resource.getDescriptorForType().getFullName(), e);
    }
  }
}
