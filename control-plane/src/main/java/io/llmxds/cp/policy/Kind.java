package io.llmxds.cp.policy;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The kinds of policy document, each with the fields of its {@code spec} and the decoder that reads them. */
enum Kind {
  GATEWAY("Gateway", "gateway", GatewaySpec.FIELDS, GatewaySpec::decode),
  PROVIDER("Provider", "provider", ProviderSpec.FIELDS, ProviderSpec::decode),
  MODEL_ROUTE("ModelRoute", "model route", ModelRouteSpec.FIELDS, ModelRouteSpec::decode),
  RATE_LIMIT("RateLimit", "rate limit", RateLimitSpec.FIELDS, RateLimitSpec::decode),
  CONTEXT_POLICY("ContextPolicy", "context policy", ContextPolicySpec.FIELDS, ContextPolicySpec::decode),
  CONTEXT_STORE("ContextStore", "context store", ContextStoreSpec.FIELDS, ContextStoreSpec::decode),
  CONSUMER("Consumer", "consumer", ConsumerSpec.FIELDS, ConsumerSpec::decode);

  /** Reads a kind's {@code spec}; the result is a record of that kind when the document has no errors. */
  @FunctionalInterface
  interface SpecDecoder {
    Optional<?> decode(String name, MappingReader spec, ReferencedFiles files);
  }

  static final String KNOWN = Arrays.stream(values()).map(Kind::wire).sorted().collect(Collectors.joining(", "));

  private final String wire;
  private final String noun;
  private final FieldSet spec;
  private final SpecDecoder decoder;

  Kind(String wire, String noun, FieldSet spec, SpecDecoder decoder) {
    this.wire = wire;
    this.noun = noun;
    this.spec = spec;
    this.decoder = decoder;
  }

  String wire() {
    return wire;
  }

  /** The kind in running text: {@code provider "x" does not exist}. */
  String noun() {
    return noun;
  }

  FieldSet spec() {
    return spec;
  }

  SpecDecoder decoder() {
    return decoder;
  }

  static Optional<Kind> named(String wire) {
    return Arrays.stream(values()).filter(k -> k.wire.equals(wire)).findFirst();
  }
}
