package io.llmxds.cp.conformance;

import java.util.Map;

/**
 * What a batch of RPCs through {@code xds:///<route>} observed.
 *
 * @param byBackend backend name (its answer) to the number of calls it served
 * @param errors status ("CODE: description") to the number of calls that failed with it
 */
record Calls(Map<String, Integer> byBackend, Map<String, Integer> errors) {
  Calls {
    byBackend = Map.copyOf(byBackend);
    errors = Map.copyOf(errors);
  }

  int served(String backend) {
    return byBackend.getOrDefault(backend, 0);
  }

  int total() {
    return byBackend.values().stream().mapToInt(Integer::intValue).sum()
        + errors.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** The share of all calls {@code backend} served, in percent. */
  double percent(String backend) {
    return 100.0 * served(backend) / total();
  }
}
