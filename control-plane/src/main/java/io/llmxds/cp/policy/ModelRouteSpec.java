package io.llmxds.cp.policy;

import io.llmxds.cp.policy.Durations.Rule;
import io.llmxds.cp.policy.MappingReader.Item;
import io.llmxds.cp.policy.ModelRoute.Backend;
import io.llmxds.cp.policy.ModelRoute.Fallback;
import io.llmxds.cp.policy.ModelRoute.Retry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads a ModelRoute's spec. */
final class ModelRouteSpec {

  static final FieldSet FIELDS = FieldSet.of("models", "backends", "fallbacks", "retry", "timeout", "contextPolicy");
  private static final FieldSet BACKEND = FieldSet.of("provider", "model", "weight");
  private static final FieldSet FALLBACK = FieldSet.of("provider", "model");
  private static final FieldSet RETRY = FieldSet.of("attempts", "retryOn", "statusCodes", "perTryTimeout");

  /** Envoy's HTTP {@code retry_on} conditions (x-envoy-retry-on). */
  static final String[] RETRY_ON = {
    "5xx", "gateway-error", "reset", "reset-before-request", "connect-failure", "envoy-ratelimited",
    "retriable-4xx", "refused-stream", "retriable-status-codes", "retriable-headers", "http3-post-connect-failure"
  };
  static final String RETRIABLE_STATUS_CODES = "retriable-status-codes";
  static final List<String> DEFAULT_RETRY_ON = List.of("5xx", "reset", "connect-failure");
  /** Envoy adds weights up in a uint32; this bound keeps any realistic number of backends far from it. */
  static final int MAX_WEIGHT = 1_000_000;

  private ModelRouteSpec() {}

  static Optional<ModelRoute> decode(String name, MappingReader spec, ReferencedFiles files) {
    DocumentScope scope = spec.scope();
    List<Item<String>> models = spec.requiredList("models", Values.NON_EMPTY_STRING);
    models.forEach(m -> scope.claim(ClaimKind.MODEL, m.value(), m.path()));
    List<Backend> backends = backends(spec);
    List<Fallback> fallbacks = fallbacks(spec, backends);
    Duration timeout = spec.optional("timeout", Values.duration(Rule.POSITIVE), Duration.ofSeconds(300));
    Retry retry = spec.optionalMapping("retry", RETRY)
        .map(r -> retry(r, timeout))
        .orElse(new Retry(0, DEFAULT_RETRY_ON, List.of(), Duration.ZERO));
    if (!fallbacks.isEmpty() && retry.attempts() == 0) {
      spec.error("fallbacks",
          "fallbacks are only tried on a retry, but retry.attempts is 0: set retry.attempts to at least 1");
    }
    Optional<String> contextPolicy = spec.reference("contextPolicy", Kind.CONTEXT_POLICY);
    return spec.build(() -> new ModelRoute(
        name,
        models.stream().map(Item::value).toList(),
        backends,
        fallbacks,
        retry,
        timeout,
        contextPolicy));
  }

  private static List<Backend> backends(MappingReader spec) {
    List<Backend> backends = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    long weights = 0;
    for (MappingReader backend : spec.requiredMappings("backends", BACKEND)) {
      Optional<String> provider = backend.required("provider", Values.NAME);
      provider.ifPresent(p -> {
        backend.scope().refer(Kind.PROVIDER, p, backend.pathOf("provider"));
        String first = seen.putIfAbsent(p, backend.pathOf("provider"));
        if (first != null) {
          backend.error("provider", "provider \"" + p + "\" is already a backend (at " + first + ")");
        }
      });
      Optional<String> model = backend.optional("model", Values.NON_EMPTY_STRING);
      // a weight that failed to read counts as the default, so that it does not also fail the sum
      int weight = backend.optional("weight", Values.integer(0, MAX_WEIGHT), 1);
      weights += weight;
      provider.ifPresent(p -> backends.add(new Backend(p, model, weight)));
    }
    if (!seen.isEmpty() && weights == 0) {
      spec.error("backends", "weights must sum to more than 0");
    }
    return backends;
  }

  /**
   * Each fallback is a provider name, or {@code {provider, model}} when that provider serves the model under another
   * name; a provider appears once, and is not also a backend.
   */
  private static List<Fallback> fallbacks(MappingReader spec, List<Backend> backends) {
    DocumentScope scope = spec.scope();
    List<Fallback> fallbacks = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    for (Item<YamlNode> item : spec.optionalNodes("fallbacks")) {
      Optional<Fallback> fallback = item.value() instanceof YamlNode.Mapping
          ? MappingReader.of(item.value(), item.path(), scope, FALLBACK).flatMap(f -> f.required("provider", Values.NAME)
              .map(p -> new Fallback(p, f.optional("model", Values.NON_EMPTY_STRING))))
          : spec.convert(item, Values.NAME).map(p -> new Fallback(p, Optional.empty()));
      if (fallback.isEmpty()) {
        continue;
      }
      String provider = fallback.get().provider();
      String providerPath = item.value() instanceof YamlNode.Mapping ? item.path() + ".provider" : item.path();
      scope.refer(Kind.PROVIDER, provider, providerPath);
      String first = seen.putIfAbsent(provider, item.path());
      if (first != null) {
        scope.error(providerPath, "provider \"" + provider + "\" is listed twice (also at " + first + ")");
      } else if (backends.stream().anyMatch(b -> b.provider().equals(provider))) {
        scope.error(providerPath,
            "provider \"" + provider + "\" is already a backend of this route; a fallback must be another one");
      } else {
        fallbacks.add(fallback.get());
      }
    }
    return fallbacks;
  }

  private static Retry retry(MappingReader retry, Duration routeTimeout) {
    int attempts = retry.optional("attempts", Values.integer(0, 10), 0);
    List<String> retryOn = retry.optionalList("retryOn", Values.oneOf(RETRY_ON, s -> s))
        .map(items -> items.stream().map(Item::value).toList())
        .orElse(DEFAULT_RETRY_ON);
    List<Integer> statusCodes = retry.optionalList("statusCodes", Values.integer(100, 599))
        .map(items -> items.stream().map(Item::value).sorted().distinct().toList())
        .orElse(List.of());
    boolean byStatus = retryOn.contains(RETRIABLE_STATUS_CODES);
    if (byStatus && statusCodes.isEmpty()) {
      retry.error("retryOn", RETRIABLE_STATUS_CODES + " needs statusCodes, e.g. [429, 503]");
    } else if (!byStatus && !statusCodes.isEmpty()) {
      retry.error("statusCodes", "statusCodes are only used with retryOn " + RETRIABLE_STATUS_CODES
          + ": add it to retryOn");
    }
    Duration perTry = retry.optional("perTryTimeout", Values.duration(Rule.NON_NEGATIVE), Duration.ZERO);
    if (perTry.compareTo(routeTimeout) > 0) {
      retry.error("perTryTimeout", "must not exceed the route timeout ("
          + Durations.format(perTry) + " > " + Durations.format(routeTimeout) + ")");
    }
    return new Retry(attempts, retryOn, statusCodes, perTry);
  }
}
