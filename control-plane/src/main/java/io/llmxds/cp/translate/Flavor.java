package io.llmxds.cp.translate;

import io.llmxds.cp.policy.PolicyBundle;
import java.util.function.Function;

/**
 * The kinds of xDS client one policy bundle is translated for. Each config version has both; which one a node gets
 * is decided by {@code publish.XdsNodeGroups} (see docs/proxyless-grpc.md).
 */
public enum Flavor {
  /** Envoy, the LLM gateway: one listener on a port, ext_proc, rate limits, credentials. */
  EDGE("edge", Translator::translate),
  /** gRPC clients with an xDS resolver: an api_listener per model route, dialed as {@code xds:///<modelRoute>}. */
  PROXYLESS("proxyless", ProxylessTranslator::translate),
  /** The ext_proc context service: its stores, their passwords and the model → context policy table. */
  CONTEXT_SERVICE(io.llmxds.common.DataPathConfig.FLAVOR, ContextServiceTranslator::translate);

  private final String wire;
  private final Function<PolicyBundle, EnvoyResources> translation;

  Flavor(String wire, Function<PolicyBundle, EnvoyResources> translation) {
    this.wire = wire;
    this.translation = translation;
  }

  /** The name in node metadata, snapshot groups, the CLI and golden files. */
  public String wire() {
    return wire;
  }

  public EnvoyResources translate(PolicyBundle bundle) {
    return translation.apply(bundle);
  }
}
