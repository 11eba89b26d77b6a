package io.llmxds.cp.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmxds.cp.policy.ModelRoute;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.translate.Bundles;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PolicyDocumentsTest {

  /** chat (mock-a, mock-b → mock-fallback) and a second route that shares chat's mock-a chain. */
  private static final PolicyBundle BUNDLE = withRoute(new ModelRoute("chat-2", List.of("chat-2"),
      List.of(new ModelRoute.Backend("mock-a", Optional.empty(), 1)),
      List.of(new ModelRoute.Fallback("mock-fallback", Optional.empty())), Bundles.retry(1), Duration.ofSeconds(60),
      Optional.empty()));

  @Test
  void aSharedFallbackClusterPointsAtEveryRouteWithThatChain() {
    assertThat(PolicyDocuments.named("Cluster fallback/mock-a/mock-fallback: lb_policy: bad", BUNDLE))
        .containsExactly("ModelRoute/chat", "ModelRoute/chat-2");
    assertThat(PolicyDocuments.named("Cluster fallback/mock-b/mock-fallback: lb_policy: bad", BUNDLE))
        .containsExactly("ModelRoute/chat");
  }

  @Test
  void aChainIsNotNamedByALongerChainThatStartsWithIt() {
    assertThat(PolicyDocuments.named("Cluster fallback/mock-a/mock-fallback/other: bad", BUNDLE)).isEmpty();
    assertThat(PolicyDocuments.named("Cluster fallback/mock-a/mock-fallback-2: bad", BUNDLE)).isEmpty();
  }

  private static PolicyBundle withRoute(ModelRoute route) {
    PolicyBundle example = Bundles.example();
    return new PolicyBundle(example.gateway(), example.providers(),
        Stream.concat(example.modelRoutes().stream(), Stream.of(route)).toList(),
        example.rateLimits(), example.contextPolicies(), example.contextStores(), example.consumers());
  }
}
