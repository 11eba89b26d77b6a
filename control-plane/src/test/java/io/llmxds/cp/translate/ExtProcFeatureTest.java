package io.llmxds.cp.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute;
import io.llmxds.common.ContextPolicyMetadata;
import io.llmxds.cp.policy.ContextPolicy;
import io.llmxds.cp.policy.ModelRoute;
import io.llmxds.cp.policy.PolicyBundle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExtProcFeatureTest {

  private static Map<String, String> metadata(PolicyBundle bundle, String route) {
    RouteConfiguration config = RouteTranslator.translate(bundle, HttpFilters.ORDERED);
    ExtProcPerRoute perRoute =
        Unpack.perFilter(Unpack.route(config, route), Names.EXT_PROC_FILTER, ExtProcPerRoute.class);
    Map<String, String> headers = new LinkedHashMap<>();
    for (HeaderValue h : perRoute.getOverrides().getGrpcInitialMetadataList()) {
      headers.put(h.getKey(), h.getValue());
    }
    return headers;
  }

  private static PolicyBundle bundle(Optional<String> gatewayPolicy, Optional<String> routePolicy,
      List<ContextPolicy> policies) {
    ModelRoute route = new ModelRoute("r", List.of("m"), List.of(new ModelRoute.Backend("p", Optional.empty(), 1)),
        List.of(), Bundles.retry(0), java.time.Duration.ofSeconds(60), routePolicy);
    return new PolicyBundle(Bundles.gateway(gatewayPolicy), List.of(Bundles.plain("p", "10.0.0.1", 80)),
        List.of(route), List.of(), policies);
  }

  @Test
  void theRoutesOwnPolicyWins() {
    ContextPolicy own = new ContextPolicy("own", "x-conv", "", ContextPolicy.Schema.V2,
        ContextPolicy.Mode.V1_V2_MIGRATION, 5, 1000, "redis", ContextPolicy.FailureMode.CLOSED, Optional.empty());
    Map<String, String> headers = metadata(
        bundle(Optional.of("default"), Optional.of("own"), List.of(Bundles.contextPolicy("default"), own)), "r");
    assertThat(headers).containsExactly(
        Map.entry(ContextPolicyMetadata.ROUTE, "r"),
        Map.entry(ContextPolicyMetadata.POLICY, "own"),
        Map.entry(ContextPolicyMetadata.POLICY_VERSION, ContextPolicyHeaders.version(own)),
        Map.entry(ContextPolicyMetadata.SCHEMA, "v2"),
        Map.entry(ContextPolicyMetadata.MODE, "v1_v2_migration"),
        Map.entry(ContextPolicyMetadata.MAX_TURNS, "5"),
        Map.entry(ContextPolicyMetadata.MAX_CHARS, "1000"),
        Map.entry(ContextPolicyMetadata.STORE, "redis"),
        Map.entry(ContextPolicyMetadata.FAILURE_MODE, "closed"),
        Map.entry(ContextPolicyMetadata.SESSION_HEADER, "x-conv"));
  }

  @Test
  void elseTheGatewaysPolicyAppliesAlsoToTheCatchAll() {
    PolicyBundle bundle =
        bundle(Optional.of("default"), Optional.empty(), List.of(Bundles.contextPolicy("default")));
    assertThat(metadata(bundle, "r"))
        .containsEntry(ContextPolicyMetadata.POLICY, "default")
        .containsEntry(ContextPolicyMetadata.USER_HEADER, "x-user-id");
    assertThat(metadata(bundle, Names.UNKNOWN_MODEL_ROUTE))
        .containsEntry(ContextPolicyMetadata.ROUTE, Names.UNKNOWN_MODEL_ROUTE)
        .containsEntry(ContextPolicyMetadata.POLICY, "default");
  }

  @Test
  void withoutAnyPolicyOnlyTheRouteIsSent() {
    PolicyBundle bundle = bundle(Optional.empty(), Optional.empty(), List.of());
    assertThat(metadata(bundle, "r")).containsOnlyKeys(ContextPolicyMetadata.ROUTE);
    assertThat(metadata(bundle, Names.UNKNOWN_MODEL_ROUTE)).containsOnlyKeys(ContextPolicyMetadata.ROUTE);
  }

  @Test
  void keysAreValidLowercaseGrpcMetadataKeys() {
    assertThat(metadata(Bundles.example(), "chat").keySet())
        .allSatisfy(k -> assertThat(k).matches("[0-9a-z_.-]+").doesNotEndWith("-bin").doesNotStartWith("grpc-"));
  }

  @Test
  void versionDependsOnThePolicyAloneAndIs16Hex() {
    ContextPolicy policy = Bundles.contextPolicy("default");
    String version = ContextPolicyHeaders.version(policy);
    assertThat(version).matches("[0-9a-f]{16}").isEqualTo(ContextPolicyHeaders.version(Bundles.contextPolicy("default")));
    ContextPolicy fewerTurns = new ContextPolicy("default", "x-session-id", "x-user-id", ContextPolicy.Schema.V1,
        ContextPolicy.Mode.STRICT, 19, 32000, "memory", ContextPolicy.FailureMode.OPEN, Optional.empty());
    assertThat(ContextPolicyHeaders.version(fewerTurns)).isNotEqualTo(version);

    PolicyBundle example = Bundles.example();
    PolicyBundle otherProviders = new PolicyBundle(example.gateway(),
        List.of(Bundles.plain("mock-a", "127.0.0.9", 1), Bundles.plain("mock-b", "127.0.0.9", 2),
            Bundles.plain("mock-fallback", "127.0.0.9", 3), Bundles.openai()),
        example.modelRoutes(), example.rateLimits(), example.contextPolicies());
    assertThat(metadata(otherProviders, "chat")).isEqualTo(metadata(example, "chat"));
  }

  /** Envoy evaluates metadata values as format strings: a literal percent sign must reach it as %%. */
  @Test
  void aPercentSignInAValueIsEscapedForEnvoysFormatter() {
    ContextPolicy odd = new ContextPolicy("own", "x-session%id", "", ContextPolicy.Schema.V1, ContextPolicy.Mode.STRICT,
        20, 32000, "memory", ContextPolicy.FailureMode.OPEN, Optional.empty());
    PolicyBundle bundle = bundle(Optional.empty(), Optional.of("own"), List.of(odd));
    assertThat(metadata(bundle, "r")).containsEntry(ContextPolicyMetadata.SESSION_HEADER, "x-session%%id");
  }
}
