package io.llmxds.cp.testing;

import java.nio.file.Path;
import java.util.List;

/**
 * A policy the loader accepts but Envoy would reject: the examples with an ext_proc {@code messageTimeout} of two
 * hours (the loader asks for a positive duration; Envoy's {@code ExternalProcessor.message_timeout} allows at most
 * 3600s). The translation puts that timeout in the listener's ext_proc filter and in the upstream ext_proc filter of
 * every cluster that rewrites the model (here the chat route's chain in front of mock-a).
 */
public final class TwoHourExtProcTimeout {

  private static final String RULE = ".message_timeout: duration {gte: 0s, lte: 3600s} (value: 7200s)";
  private static final String UPSTREAM_EXT_PROC = ": typed_extension_protocol_options"
      + "[envoy.extensions.upstreams.http.v3.HttpProtocolOptions]<HttpProtocolOptions>"
      + ".http_filters[0].typed_config<ExternalProcessor>" + RULE;

  /** What the verify stage reports for it, in order. */
  public static final List<String> ERRORS = List.of(
      "verify: Cluster fallback/mock-a/mock-fallback" + UPSTREAM_EXT_PROC,
      "verify: Cluster fallback/mock-b/mock-fallback" + UPSTREAM_EXT_PROC,
      "verify: Cluster provider/openai" + UPSTREAM_EXT_PROC,
      "verify: Listener edge: filter_chains[0].filters[0].typed_config<HttpConnectionManager>"
          + ".http_filters[0].typed_config<ExternalProcessor>" + RULE);

  private TwoHourExtProcTimeout() {}

  /** Turns the example policies in {@code policies} into this case. */
  public static Path apply(Path policies) {
    PolicyDirs.edit(policies.resolve("gateway.yaml"), "messageTimeout: 30s", "messageTimeout: 2h");
    return policies;
  }
}
