package io.llmxds.cp.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.llmxds.cp.policy.ContextPolicy;
import io.llmxds.cp.policy.PolicyBundle;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The edge's ext_proc filter: one HCM entry, no per-route config (the service has its own table). */
class ExtProcFeatureTest {

  private static RouteConfiguration edgeRoutes(PolicyBundle bundle) {
    return Flavor.EDGE.translate(bundle).routes().get(0);
  }

  @Test
  void noRouteCarriesContextConfigForTheFilter() {
    assertThat(Unpack.routes(edgeRoutes(Bundles.example())))
        .extracting(Route::getName).contains("chat", Names.UNKNOWN_MODEL_ROUTE);
    assertThat(Unpack.routes(edgeRoutes(Bundles.example())))
        .allSatisfy(r -> assertThat(r.getTypedPerFilterConfigMap()).doesNotContainKey(Names.EXT_PROC_FILTER));
  }

  /** A context-policy edit is pushed to the context service only: the edge's RDS stays byte-identical. */
  @Test
  void aContextPolicyEditLeavesTheEdgeRoutesByteIdentical() {
    PolicyBundle example = Bundles.example();
    ContextPolicy fewerTurns = new ContextPolicy("default", "x-session-id", "x-user-id", ContextPolicy.Schema.V1,
        ContextPolicy.Mode.STRICT, 3, 32000, "memory", ContextPolicy.FailureMode.OPEN, Optional.empty());
    PolicyBundle edited = new PolicyBundle(example.gateway(), example.providers(), example.modelRoutes(),
        example.rateLimits(), List.of(fewerTurns), example.contextStores());

    assertThat(edgeRoutes(edited).toByteString()).isEqualTo(edgeRoutes(example).toByteString());
    assertThat(Flavor.CONTEXT_SERVICE.translate(edited).routes())
        .isNotEqualTo(Flavor.CONTEXT_SERVICE.translate(example).routes());
  }
}
