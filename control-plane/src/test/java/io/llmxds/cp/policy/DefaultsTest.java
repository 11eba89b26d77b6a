package io.llmxds.cp.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmxds.cp.policy.ContextPolicy.FailureMode;
import io.llmxds.cp.policy.ContextPolicy.Mode;
import io.llmxds.cp.policy.ContextPolicy.Schema;
import io.llmxds.cp.policy.Gateway.ExtProcService;
import io.llmxds.cp.policy.Gateway.SocketAddress;
import io.llmxds.cp.policy.ModelRoute.Backend;
import io.llmxds.cp.policy.ModelRoute.Retry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A policy with only its required fields gets every documented default. */
class DefaultsTest {

  private final PolicyBundle bundle = TestPolicies.loaded(TestPolicies.MINIMAL).bundle();

  @Test
  void gatewayDefaults() {
    assertThat(bundle.gateway()).isEqualTo(new Gateway(
        "edge",
        new SocketAddress("0.0.0.0", 10000),
        new ExtProcService(new SocketAddress("ext-proc.local", 50051), Duration.ofSeconds(30), true),
        8L << 20,
        Duration.ZERO,
        Duration.ofSeconds(300),
        "/etc/ssl/certs/ca-certificates.crt",
        Optional.empty()));
  }

  @Test
  void providerDefaults() {
    Provider provider = bundle.providers().get(0);
    assertThat(provider.port()).isEqualTo(443);
    assertThat(provider.sni()).isEqualTo("llm.example.com");
    assertThat(provider.pathPrefix()).isEqualTo("/api");
    assertThat(provider.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(provider.api()).isEqualTo(Provider.Api.OPENAI);
    Provider.Credentials credentials = provider.credentials().orElseThrow();
    assertThat(List.of(credentials.header(), credentials.prefix(), credentials.secretFile()))
        .containsExactly("Authorization", "Bearer ", "secrets/key");
    assertThat(credentials.secret().reveal()).isEqualTo("test-key");
  }

  /** Anthropic's convention: the key alone in {@code x-api-key}. */
  @Test
  void anAnthropicProvidersKeyGoesInXApiKeyWithoutAPrefix() {
    Provider anthropic = TestPolicies.loaded(java.nio.file.Path.of("src/test/resources/golden/in/anthropic")).bundle()
        .providers().stream().filter(p -> p.name().equals("anthropic")).findFirst().orElseThrow();
    assertThat(anthropic.api()).isEqualTo(Provider.Api.ANTHROPIC);
    Provider.Credentials credentials = anthropic.credentials().orElseThrow();
    assertThat(List.of(credentials.header(), credentials.prefix())).containsExactly("x-api-key", "");
  }

  @Test
  void modelRouteDefaults() {
    assertThat(bundle.modelRoutes().get(0)).isEqualTo(new ModelRoute(
        "chat",
        List.of("chat"),
        List.of(new Backend("upstream", Optional.empty(), 1)),
        List.of(),
        new Retry(0, List.of("5xx", "reset", "connect-failure"), List.of(), Duration.ZERO),
        Duration.ofSeconds(300),
        Optional.empty()));
  }

  @Test
  void rateLimitWithoutTiers() {
    RateLimit limit = bundle.rateLimits().get(0);
    assertThat(limit.tiers()).isEmpty();
    assertThat(limit.requestLimit()).isEqualTo(new RateLimit.Limit(10, Duration.ofSeconds(1)));
    assertThat(limit.global()).isEmpty();
  }

  @Test
  void contextPolicyDefaults() {
    assertThat(bundle.contextPolicies().get(0)).isEqualTo(new ContextPolicy(
        "history", "x-session-id", "", Schema.V1, Mode.STRICT, 20, 32_000, "memory", FailureMode.OPEN, Optional.empty()));
  }
}
