package io.llmxds.cp.policy;

import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/** Puts the records of an error-free set of documents into a canonical bundle: every list sorted by name. */
final class BundleAssembler {

  private BundleAssembler() {}

  /** @param declared documents that were all read without errors and passed {@link BundleChecks} */
  static PolicyBundle assemble(List<Declared> declared) {
    return new PolicyBundle(
        all(declared, Kind.GATEWAY, Gateway.class, Gateway::name).get(0),
        all(declared, Kind.PROVIDER, Provider.class, Provider::name),
        all(declared, Kind.MODEL_ROUTE, ModelRoute.class, ModelRoute::name),
        all(declared, Kind.RATE_LIMIT, RateLimit.class, RateLimit::name),
        all(declared, Kind.CONTEXT_POLICY, ContextPolicy.class, ContextPolicy::name),
        all(declared, Kind.CONTEXT_STORE, ContextStore.class, ContextStore::name),
        all(declared, Kind.CONSUMER, Consumer.class, Consumer::name));
  }

  private static <T> List<T> all(List<Declared> declared, Kind kind, Class<T> type, Function<T, String> name) {
    return declared.stream()
        .filter(d -> d.kind() == kind)
        .map(d -> type.cast(d.value().orElseThrow()))
        .sorted(Comparator.comparing(name))
        .toList();
  }
}
